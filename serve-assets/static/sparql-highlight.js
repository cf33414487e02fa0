// A small SPARQL highlighter: splits a query into tokens and renders them as spans.
// Written for this project (no third-party code). It builds DOM nodes with textContent
// only, so the query text can never become markup.
"use strict";
(function () {
  var KEYWORDS = (
    "BASE PREFIX SELECT CONSTRUCT DESCRIBE ASK DISTINCT REDUCED FROM NAMED WHERE ORDER BY ASC " +
    "DESC LIMIT OFFSET VALUES OPTIONAL GRAPH UNION MINUS FILTER BIND AS SERVICE SILENT GROUP " +
    "HAVING EXISTS NOT IN UNDEF true false COUNT SUM MIN MAX AVG SAMPLE GROUP_CONCAT SEPARATOR " +
    "STR LANG LANGMATCHES DATATYPE BOUND IRI URI BNODE RAND ABS CEIL FLOOR ROUND CONCAT STRLEN " +
    "UCASE LCASE ENCODE_FOR_URI CONTAINS STRSTARTS STRENDS STRBEFORE STRAFTER YEAR MONTH DAY " +
    "HOURS MINUTES SECONDS TIMEZONE TZ NOW UUID STRUUID MD5 SHA1 SHA256 SHA384 SHA512 COALESCE " +
    "IF STRLANG STRDT sameTerm isIRI isURI isBLANK isLITERAL isNUMERIC REGEX SUBSTR REPLACE " +
    "LOAD CLEAR DROP CREATE ADD MOVE COPY INSERT DELETE DATA WITH USING DEFAULT ALL"
  ).split(" ");
  var KEYWORD_SET = {};
  KEYWORDS.forEach(function (k) { KEYWORD_SET[k.toUpperCase()] = true; });

  // Order matters: the first alternative that matches at a position wins.
  var RULES = [
    ["comment", /#[^\n]*/y],
    ["string", /"""[\s\S]*?(?:"""|$)|'''[\s\S]*?(?:'''|$)|"(?:\\.|[^"\\\n])*"?|'(?:\\.|[^'\\\n])*'?/y],
    ["iri", /<[^<>"{}|^`\\\s]*>/y],
    ["variable", /[?$][A-Za-z0-9_\u00B7\u00C0-\uFFFF]+/y],
    ["langtag", /@[A-Za-z]+(?:-[A-Za-z0-9]+)*/y],
    ["pname", /(?:[A-Za-z\u00C0-\uFFFF][\w\u00B7\u00C0-\uFFFF.-]*)?:(?:[\w\u00B7\u00C0-\uFFFF%-]|\.(?=[\w%-]))*/y],
    ["number", /[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)/y],
    ["word", /[A-Za-z_][A-Za-z0-9_]*/y],
    ["space", /\s+/y],
    ["punct", /\^\^|&&|\|\||[!<>=]=?|[{}()[\].,;*+\-/|^]/y],
  ];

  function tokens(text) {
    var out = [];
    var at = 0;
    while (at < text.length) {
      var found = null;
      for (var i = 0; i < RULES.length && !found; i++) {
        var re = RULES[i][1];
        re.lastIndex = at;
        var m = re.exec(text);
        if (m && m[0].length > 0) found = [RULES[i][0], m[0]];
      }
      if (!found) found = ["other", text[at]];
      var kind = found[0];
      if (kind === "word") {
        kind = KEYWORD_SET[found[1].toUpperCase()] || found[1] === "a" ? "keyword" : "name";
      }
      out.push({ type: kind, text: found[1] });
      at += found[1].length;
    }
    return out;
  }

  function render(target, text) {
    var fragment = document.createDocumentFragment();
    tokens(text).forEach(function (t) {
      if (t.type === "space" || t.type === "other" || t.type === "name") {
        fragment.appendChild(document.createTextNode(t.text));
      } else {
        var span = document.createElement("span");
        span.className = "tok-" + t.type;
        span.textContent = t.text;
        fragment.appendChild(span);
      }
    });
    // A trailing newline needs a character after it to take up a line in a <pre>.
    fragment.appendChild(document.createTextNode(text.endsWith("\n") ? " " : ""));
    target.replaceChildren(fragment);
  }

  window.SparqlHighlight = { tokens: tokens, render: render };
})();
