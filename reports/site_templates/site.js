// 数说工会 · 指标页: search over the inline index, copy 发布用语, open a figure named in the URL.
// Plain script for file://: no fetch, no modules.
(function () {
  "use strict";
  var index = JSON.parse(document.getElementById("search-index").textContent);
  var input = document.getElementById("q");
  var count = document.getElementById("result-count");
  var empty = document.getElementById("no-result");
  var total = index.length;

  function search(query) {
    var terms = query.trim().toLowerCase().split(/\s+/).filter(Boolean);
    var shown = 0;
    index.forEach(function (entry) {
      var match = terms.every(function (t) { return entry.text.indexOf(t) !== -1; });
      var card = document.getElementById(entry.id);
      if (card) { card.hidden = !match; }
      if (match) { shown += 1; }
    });
    document.querySelectorAll("section.topic").forEach(function (section) {
      section.hidden = !section.querySelector("article.figure:not([hidden])");
    });
    count.textContent = terms.length ? "找到 " + shown + " 个指标（共 " + total + " 个）" : "共 " + total + " 个指标";
    empty.hidden = shown !== 0;
  }

  function fallbackCopy(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    document.body.removeChild(area);
    return ok ? Promise.resolve() : Promise.reject(new Error("copy failed"));
  }

  function copy(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).catch(function () { return fallbackCopy(text); });
    }
    return fallbackCopy(text);
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("button.copy");
    if (!button) { return; }
    var label = button.dataset.label || button.textContent;
    button.dataset.label = label;
    copy(button.dataset.copy).then(function () {
      button.textContent = "已复制";
      button.classList.add("done");
    }, function () {
      button.textContent = "请手动选择复制";
    });
    setTimeout(function () { button.textContent = label; button.classList.remove("done"); }, 1600);
  });

  input.addEventListener("input", function () { search(input.value); });
  var params = new URLSearchParams(window.location.search);
  if (params.get("q")) { input.value = params.get("q"); }
  search(input.value);
  if (window.location.hash) {
    var target = document.getElementById(window.location.hash.slice(1));
    var drill = target && target.querySelector("details.drill");
    if (drill) { drill.open = true; }
  }
})();
