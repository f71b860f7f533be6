// newsprism "My news bias": the reader's own mix of the outlets they read.
//
// Everything stays in this browser's localStorage under one key; nothing is ever sent
// to the server or anywhere else (this file makes no network request). A story page
// records the story and its sources when it is opened; clicking an article's link
// records that article's outlet. /me reads the record back and shows the counts.
"use strict";

(function () {
  var KEY = "newsprism.my-news-bias.v1";
  var MAX_STORIES = 500; // the oldest are dropped beyond this, so the record stays small
  var MAX_ARTICLES = 2000;

  function empty() {
    return { version: 1, stories: {}, articles: {}, outlets: {} };
  }

  function load() {
    try {
      var data = JSON.parse(window.localStorage.getItem(KEY) || "null");
      if (data && data.version === 1 && data.stories && data.articles && data.outlets) {
        return data;
      }
    } catch (error) {
      // Unreadable (or storage disabled): start afresh rather than break the page.
    }
    return empty();
  }

  function save(data) {
    trim(data.stories, MAX_STORIES);
    trim(data.articles, MAX_ARTICLES);
    try {
      window.localStorage.setItem(KEY, JSON.stringify(data));
    } catch (error) {
      // Storage full or disabled: the reader simply has no record.
    }
  }

  function trim(entries, most) {
    var ids = Object.keys(entries);
    if (ids.length <= most) return;
    ids.sort(function (a, b) {
      return entries[a].opened < entries[b].opened ? -1 : 1;
    });
    ids.slice(0, ids.length - most).forEach(function (id) {
      delete entries[id];
    });
  }

  function outletOf(element) {
    return {
      domain: element.getAttribute("data-outlet-domain") || "",
      name: element.getAttribute("data-outlet-name") || "",
      side: element.getAttribute("data-side") || "unrated",
      bias: element.getAttribute("data-bias") || "",
      factuality: element.getAttribute("data-factuality") || "unrated",
      ownership: element.getAttribute("data-ownership") || "unknown",
    };
  }

  // --- story page: record the story on open and each article link clicked ---------

  function recordStory(story) {
    var data = load();
    var storyId = story.getAttribute("data-story-id");
    var domains = [];
    story.querySelectorAll("[data-outlet-domain]").forEach(function (element) {
      var outlet = outletOf(element);
      if (!outlet.domain) return;
      data.outlets[outlet.domain] = outlet;
      if (domains.indexOf(outlet.domain) < 0) domains.push(outlet.domain);
    });
    var known = data.stories[storyId];
    data.stories[storyId] = {
      title: story.getAttribute("data-story-title") || "",
      opened: known ? known.opened : new Date().toISOString(),
      outlets: domains,
    };
    save(data);
  }

  function recordArticle(element) {
    var outlet = outletOf(element);
    if (!outlet.domain) return;
    var data = load();
    data.outlets[outlet.domain] = outlet;
    var articleId = element.getAttribute("data-article-id");
    if (!data.articles[articleId]) {
      data.articles[articleId] = { outlet: outlet.domain, opened: new Date().toISOString() };
    }
    save(data);
  }

  function setUpStory(story) {
    recordStory(story);
    // One listener for the whole story: entries a long list loads later (app.js)
    // are recorded like the first ones. auxclick: a middle click opens the article too.
    ["click", "auxclick"].forEach(function (kind) {
      story.addEventListener(kind, function (event) {
        var link = event.target.closest && event.target.closest("a.article-link");
        var element = link && link.closest("[data-article-id]");
        if (element && story.contains(element)) recordArticle(element);
      });
    });
  }

  // --- /me: the counts ------------------------------------------------------------

  function label(key) {
    return key
      .split("-")
      .map(function (word) {
        return word.charAt(0).toUpperCase() + word.slice(1);
      })
      .join(" ");
  }

  function tally(data) {
    var counts = { stories: {}, articles: {} };
    ["side", "factuality", "ownership"].forEach(function (facet) {
      counts.stories[facet] = {};
      counts.articles[facet] = {};
    });
    function add(kind, outlet) {
      ["side", "factuality", "ownership"].forEach(function (facet) {
        var key = outlet[facet];
        counts[kind][facet][key] = (counts[kind][facet][key] || 0) + 1;
      });
    }
    Object.keys(data.stories).forEach(function (id) {
      data.stories[id].outlets.forEach(function (domain) {
        if (data.outlets[domain]) add("stories", data.outlets[domain]);
      });
    });
    Object.keys(data.articles).forEach(function (id) {
      var outlet = data.outlets[data.articles[id].outlet];
      if (outlet) add("articles", outlet);
    });
    return counts;
  }

  // Whole-number shares that add up to 100, by the largest remainder (ties in row
  // order), as the story pages round theirs (coverage/compute.py: percentages).
  function shares(counts) {
    var total = counts.reduce(function (sum, count) {
      return sum + count;
    }, 0);
    if (!total) return counts.map(function () {
      return null;
    });
    var exact = counts.map(function (count) {
      return (count * 100) / total;
    });
    var result = exact.map(Math.floor);
    var leftover = 100 - result.reduce(function (sum, value) {
      return sum + value;
    }, 0);
    exact
      .map(function (value, index) {
        return { index: index, remainder: value - result[index] };
      })
      .sort(function (a, b) {
        return b.remainder - a.remainder || a.index - b.index;
      })
      .slice(0, leftover)
      .forEach(function (entry) {
        result[entry.index] += 1;
      });
    return result;
  }

  function percent(value) {
    return value === null ? "–" : value + "%";
  }

  function fillTable(table, facet, counts) {
    var body = table.querySelector("tbody");
    // Rows the server wrote (the scale, in order) plus any value met in the record.
    var keys = [];
    body.querySelectorAll("tr[data-key]").forEach(function (row) {
      keys.push(row.getAttribute("data-key"));
    });
    ["stories", "articles"].forEach(function (kind) {
      Object.keys(counts[kind][facet]).forEach(function (key) {
        if (keys.indexOf(key) < 0) {
          keys.push(key);
          var row = document.createElement("tr");
          row.setAttribute("data-key", key);
          var head = document.createElement("th");
          head.scope = "row";
          head.textContent = label(key);
          row.appendChild(head);
          for (var cell = 0; cell < 4; cell += 1) {
            var td = document.createElement("td");
            td.className = "num";
            row.appendChild(td);
          }
          body.appendChild(row);
        }
      });
    });
    var rows = Array.prototype.slice.call(body.querySelectorAll("tr[data-key]"));
    var columns = { stories: [], articles: [] };
    rows.forEach(function (row) {
      var key = row.getAttribute("data-key");
      columns.stories.push(counts.stories[facet][key] || 0);
      columns.articles.push(counts.articles[facet][key] || 0);
    });
    var storyShares = shares(columns.stories);
    var articleShares = shares(columns.articles);
    rows.forEach(function (row, index) {
      var cells = row.querySelectorAll("td");
      cells[0].textContent = String(columns.stories[index]);
      cells[1].textContent = percent(storyShares[index]);
      cells[2].textContent = String(columns.articles[index]);
      cells[3].textContent = percent(articleShares[index]);
    });
  }

  function showRecord(root) {
    var data = load();
    var counts = tally(data);
    var storyIds = Object.keys(data.stories);
    var outletsRead = {};
    Object.keys(data.articles).forEach(function (id) {
      outletsRead[data.articles[id].outlet] = true;
    });
    root.querySelector("[data-total='stories']").textContent = String(storyIds.length);
    root.querySelector("[data-total='articles']").textContent = String(
      Object.keys(data.articles).length
    );
    root.querySelector("[data-total='outlets']").textContent = String(
      Object.keys(outletsRead).length
    );
    root.querySelectorAll("table[data-facet]").forEach(function (table) {
      fillTable(table, table.getAttribute("data-facet"), counts);
    });
    var list = root.querySelector("[data-recent-stories]");
    list.textContent = "";
    storyIds
      .sort(function (a, b) {
        return data.stories[a].opened < data.stories[b].opened ? 1 : -1;
      })
      .slice(0, 10)
      .forEach(function (id) {
        var item = document.createElement("li");
        var link = document.createElement("a");
        link.href = "/stories/" + encodeURIComponent(id);
        link.textContent = data.stories[id].title || "Story " + id;
        item.appendChild(link);
        list.appendChild(item);
      });
    root.querySelector("[data-when-empty]").hidden = storyIds.length > 0;
  }

  function setUpPage(root) {
    root.hidden = false;
    showRecord(root);
    var forget = root.querySelector("button[data-forget]");
    var status = root.querySelector("[data-forget-status]");
    forget.addEventListener("click", function () {
      try {
        window.localStorage.removeItem(KEY);
      } catch (error) {
        // Storage disabled: there was nothing to forget.
      }
      showRecord(root);
      status.textContent = "Forgotten: this browser keeps no record of your reading now.";
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var story = document.querySelector("[data-story-id]");
    if (story) setUpStory(story);
    var page = document.querySelector("[data-my-news-bias]");
    if (page) setUpPage(page);
  });
})();
