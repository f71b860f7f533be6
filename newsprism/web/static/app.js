// newsprism: the only script. Pages work without it; it adds the article side filter.
"use strict";

(function () {
  function setUpSideFilter(group) {
    var list = document.getElementById(group.getAttribute("data-filter-for"));
    if (!list) return;
    var articles = list.querySelectorAll("[data-side]");
    var buttons = group.querySelectorAll("button[data-side]");
    var status = document.getElementById("filter-status");

    function show(side) {
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
        show(button.getAttribute("data-side"));
      });
    });
    // Buttons stay hidden without JavaScript, where every article is shown anyway.
    group.hidden = false;
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-filter-for]").forEach(setUpSideFilter);
  });
})();
