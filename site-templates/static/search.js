/* Client-side search over the labels of every resource, in any of the four languages.
   The index (search-index.js) sets window.accsmSearchIndex; results are built with DOM
   calls and textContent only, never from HTML strings. */
(function () {
  "use strict";
  var LIMIT = 50;
  var LANGS = ["en", "vi", "km", "th"];

  function norm(text) {
    return (text || "").normalize("NFC").toLocaleLowerCase().replace(/\s+/g, " ").trim();
  }

  function prepare(entries) {
    return entries.map(function (e) {
      var names = [];
      for (var key in e.n) names.push(e.n[key]);
      return { entry: e, haystack: e.s.concat(names).map(norm) };
    });
  }

  function label(entry) {
    var names = entry.n;
    var outer = document.createElement("span");
    var has = [];
    outer.className = "ml";
    LANGS.forEach(function (lang) {
      if (!names[lang]) return;
      var span = document.createElement("span");
      span.setAttribute("data-l", lang);
      if (lang !== "en") {
        span.setAttribute("lang", lang);
        has.push(lang);
      } else if (entry.dl && entry.dl !== "en") {
        span.setAttribute("lang", entry.dl);
      }
      span.textContent = names[lang];
      outer.appendChild(span);
    });
    outer.setAttribute("data-has", has.join(" "));
    return outer;
  }

  function search(prepared, query) {
    var q = norm(query);
    if (!q) return [];
    var found = [];
    prepared.forEach(function (item) {
      var best = -1;
      item.haystack.forEach(function (text) {
        var at = text.indexOf(q);
        if (at === 0 && text.length === q.length) best = Math.max(best, 3);
        else if (at === 0) best = Math.max(best, 2);
        else if (at > 0) best = Math.max(best, 1);
      });
      if (best > 0) found.push({ rank: best, entry: item.entry });
    });
    found.sort(function (a, b) {
      if (a.rank !== b.rank) return b.rank - a.rank;
      var x = a.entry.n.en || "", y = b.entry.n.en || "";
      return x < y ? -1 : x > y ? 1 : 0;
    });
    return found;
  }

  document.addEventListener("DOMContentLoaded", function () {
    var input = document.getElementById("q");
    var list = document.getElementById("search-results");
    var status = document.getElementById("search-status");
    if (!input || !list || !status) return;
    var entries = window.accsmSearchIndex;
    if (!Array.isArray(entries)) {
      status.textContent = "The search index could not be loaded.";
      return;
    }
    var prepared = prepare(entries);
    var form = input.form;
    if (form) form.addEventListener("submit", function (event) { event.preventDefault(); });

    function run() {
      var found = search(prepared, input.value);
      while (list.firstChild) list.removeChild(list.firstChild);
      if (!norm(input.value)) {
        status.textContent = "";
        return;
      }
      status.textContent = found.length + (found.length === 1 ? " match" : " matches") +
        (found.length > LIMIT ? ", the first " + LIMIT + " shown" : "");
      found.slice(0, LIMIT).forEach(function (hit) {
        var li = document.createElement("li");
        var a = document.createElement("a");
        a.setAttribute("href", hit.entry.p);
        a.appendChild(label(hit.entry));
        li.appendChild(a);
        if (hit.entry.t) {
          var t = document.createElement("span");
          t.className = "t";
          t.textContent = hit.entry.t;
          li.appendChild(t);
        }
        list.appendChild(li);
      });
    }

    input.addEventListener("input", run);
    if (input.value) run();
  });
})();
