// newsprism "Follow": the topics and outlets a reader follows, kept in this browser.
//
// The list lives in localStorage under one key; there is no account and no cookie. A
// Follow button (topic and outlet pages, /following) adds or removes an entry. The
// /following page is rendered by the server from its address (?topic=…&outlet=…):
// opened without one, this script puts the reader's list there. That address is the
// only way the list leaves the browser, and only when the reader opens the page.
"use strict";

(function () {
  var KEY = "newsprism.following.v1";
  var MOST = 50; // per kind; the server reads no more than this from an address

  function empty() {
    return { version: 1, topics: {}, outlets: {} };
  }

  function load() {
    try {
      var data = JSON.parse(window.localStorage.getItem(KEY) || "null");
      if (data && data.version === 1 && data.topics && data.outlets) return data;
    } catch (error) {
      // Unreadable, or storage disabled: start afresh rather than break the page.
    }
    return empty();
  }

  function save(data) {
    try {
      window.localStorage.setItem(KEY, JSON.stringify(data));
      return true;
    } catch (error) {
      return false; // storage full or disabled
    }
  }

  function entriesOf(data, kind) {
    return kind === "topic" ? data.topics : data.outlets;
  }

  // The /following address for a list: topics then outlets, each sorted, so the same
  // list always gives the same address.
  function followingUrl(data) {
    var params = new URLSearchParams();
    Object.keys(data.topics).sort().forEach(function (slug) {
      params.append("topic", slug);
    });
    Object.keys(data.outlets).sort().forEach(function (domain) {
      params.append("outlet", domain);
    });
    var query = params.toString();
    return "/following" + (query ? "?" + query : "");
  }

  function setUpButton(button, onChange) {
    var kind = button.getAttribute("data-follow");
    var key = button.getAttribute("data-follow-key");
    var label = button.getAttribute("data-follow-label") || key;
    var status = button.parentNode.querySelector("[data-follow-status]");
    if (!key || (kind !== "topic" && kind !== "outlet")) return;

    function following() {
      return Object.prototype.hasOwnProperty.call(entriesOf(load(), kind), key);
    }

    function show() {
      var on = following();
      button.textContent = on ? "Following" : "Follow";
      button.classList.toggle("is-following", on);
      button.title = on ? "Stop following " + label : "Follow " + label;
    }

    button.addEventListener("click", function () {
      var data = load();
      var entries = entriesOf(data, kind);
      var message;
      if (Object.prototype.hasOwnProperty.call(entries, key)) {
        delete entries[key];
        message = "You no longer follow " + label + ".";
      } else if (Object.keys(entries).length >= MOST) {
        message = "You follow " + MOST + " already; unfollow one first.";
      } else {
        entries[key] = { label: label, since: new Date().toISOString() };
        message = "You follow " + label + ". Its stories are under Following.";
      }
      if (!save(data)) message = "This browser does not let the page keep your list.";
      show();
      if (status) status.textContent = message;
      if (onChange) onChange(data);
    });
    button.hidden = false;
    show();
  }

  function setUpFollowingPage(page) {
    var params = new URLSearchParams(window.location.search);
    var data = load();
    var target = followingUrl(data);
    // Opened without a list (the menu link): show the reader's own.
    if (!params.has("topic") && !params.has("outlet") && target !== "/following") {
      window.location.replace(target);
      return;
    }
    page.querySelectorAll("button[data-follow]").forEach(function (button) {
      setUpButton(button, function (changed) {
        window.location.replace(followingUrl(changed));
      });
    });
  }

  function start() {
    var page = document.querySelector("[data-following-page]");
    if (page) setUpFollowingPage(page);
    document.querySelectorAll("button[data-follow]").forEach(function (button) {
      if (!page || !page.contains(button)) setUpButton(button, null);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
