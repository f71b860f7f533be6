// newsprism: the only script. Pages work without it; it adds the article side filter
// and brings the rest of a long article list into the page.
"use strict";

(function () {
  // A long story lists its newest articles first, then a link to the page with every
  // article (?all=1). Here that link fetches only the missing entries into the list.
  // list id -> function that loads the rest once and answers a Promise.
  var loadRest = {};
  var PARTIAL_LINK = "?all=1#";

  function setUpMoreArticles(link) {
    var list = document.getElementById(link.getAttribute("data-more-for"));
    if (!list) return;
    var loading = null;

    function load() {
      if (!loading) {
        link.setAttribute("aria-busy", "true");
        loading = fetch(link.getAttribute("data-more-url"), { credentials: "same-origin" })
          .then(function (response) {
            if (!response.ok) throw new Error("HTTP " + response.status);
            return response.text();
          })
          .then(function (entries) {
            list.insertAdjacentHTML("beforeend", entries);
            // Links to entries that were not listed lead to them on this page now.
            document.querySelectorAll('a[href^="' + PARTIAL_LINK + '"]').forEach(function (a) {
              a.setAttribute("href", a.getAttribute("href").slice(PARTIAL_LINK.length - 1));
            });
            var paragraph = link.closest(".more-articles");
            (paragraph || link).remove();
          });
        loading.catch(function () {
          loading = null;
          link.removeAttribute("aria-busy");
        });
      }
      return loading;
    }

    loadRest[list.id] = load;
    link.addEventListener("click", function (event) {
      event.preventDefault();
      load().then(
        function () {
          // The first entry that was missing, as the link without JavaScript would.
          window.location.hash = link.hash;
        },
        function () {
          window.location.href = link.href; // the page with every article
        }
      );
    });
  }

  // Where a link (a citation, a headline, the first report) points at an entry not
  // listed yet, or the address does (an article of a story's feed), load the rest first.
  function showEntry(id, fallback) {
    var loaders = Object.keys(loadRest);
    if (!loaders.length) return false;
    loadRest[loaders[0]]().then(
      function () {
        var entry = document.getElementById(id);
        if (entry && window.location.hash === "#" + id) entry.scrollIntoView();
        else if (entry) window.location.hash = id;
      },
      function () {
        if (fallback) window.location.href = fallback;
      }
    );
    return true;
  }

  function setUpSideFilter(group) {
    var list = document.getElementById(group.getAttribute("data-filter-for"));
    if (!list) return;
    var buttons = group.querySelectorAll("button[data-side]");
    var status = document.getElementById("filter-status");

    function show(side) {
      var articles = list.querySelectorAll("[data-side]");
      var shown = 0;
      articles.forEach(function (article) {
        var match = side === "all" || article.getAttribute("data-side") === side;
        article.hidden = !match;
        if (match) shown += 1;
      });
      buttons.forEach(function (button) {
        button.setAttribute("aria-pressed", String(button.getAttribute("data-side") === side));
      });
      if (status) {
        status.textContent = "Showing " + shown + " of " + articles.length + " articles";
      }
    }

    buttons.forEach(function (button) {
      button.addEventListener("click", function () {
        var side = button.getAttribute("data-side");
        var load = loadRest[list.id];
        // A side's articles are all of them, not only those listed so far.
        if (load && side !== "all") {
          load().then(
            function () {
              show(side);
            },
            function () {
              show(side);
            }
          );
        } else {
          show(side);
        }
      });
    });
    // Buttons stay hidden without JavaScript, where every article is shown anyway.
    group.hidden = false;
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("a[data-more-for]").forEach(setUpMoreArticles);
    document.querySelectorAll("[data-filter-for]").forEach(setUpSideFilter);
    document.addEventListener("click", function (event) {
      var link = event.target.closest && event.target.closest("a[href]");
      var href = link && link.getAttribute("href");
      if (href && href.indexOf(PARTIAL_LINK) === 0 && !event.ctrlKey && !event.metaKey) {
        if (showEntry(href.slice(PARTIAL_LINK.length), link.href)) event.preventDefault();
      }
    });
    var target = window.location.hash.slice(1);
    if (/^article-\d+$/.test(target) && !document.getElementById(target)) showEntry(target, null);
  });
})();
