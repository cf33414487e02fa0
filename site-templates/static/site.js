/* Language switch: remembers the chosen language (en, vi, km, th) in localStorage and
   marks <html data-lang>, which the stylesheet uses to show that language's labels. */
(function () {
  "use strict";
  var KEY = "accsm-kg.lang";
  var LANGS = ["en", "vi", "km", "th"];
  var root = document.documentElement;

  function stored() {
    try {
      var value = window.localStorage.getItem(KEY);
      return LANGS.indexOf(value) >= 0 ? value : "en";
    } catch (e) {
      return "en";
    }
  }

  function apply(lang) {
    root.setAttribute("data-lang", lang);
    var buttons = document.querySelectorAll("[data-set-lang]");
    for (var i = 0; i < buttons.length; i++) {
      var on = buttons[i].getAttribute("data-set-lang") === lang;
      buttons[i].setAttribute("aria-pressed", on ? "true" : "false");
    }
    document.dispatchEvent(new CustomEvent("accsm:lang", { detail: lang }));
  }

  function choose(lang) {
    try {
      window.localStorage.setItem(KEY, lang);
    } catch (e) {
      /* storage may be disabled; the choice then lasts for this page only */
    }
    apply(lang);
  }

  root.classList.add("js");
  root.setAttribute("data-lang", stored());
  window.accsmLang = stored;

  document.addEventListener("DOMContentLoaded", function () {
    var buttons = document.querySelectorAll("[data-set-lang]");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].addEventListener("click", function (event) {
        choose(event.currentTarget.getAttribute("data-set-lang"));
      });
    }
    apply(stored());
  });
})();
