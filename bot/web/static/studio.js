// The studio editor: while a peer types, show the phone preview and the checks (server-side,
// the same checks as `first48 content check`). Without this script the Preview button does it.
(function () {
  "use strict";
  var form = document.getElementById("editor");
  if (!form) { return; }
  var body = form.querySelector("textarea[name=body]");
  var preview = document.getElementById("preview");
  var timer = null;

  function showChecks(problems) {
    var old = document.getElementById("checks");
    var list;
    if (problems.length === 0) {
      list = document.createElement("p");
      list.textContent = "No problems found.";
    } else {
      list = document.createElement("ul");
      list.className = "checks";
      problems.forEach(function (p) {
        var item = document.createElement("li");
        item.className = "check-" + p.severity;
        var strong = document.createElement("strong");
        strong.textContent = p.severity;
        item.appendChild(strong);
        item.appendChild(document.createTextNode(": " + p.message + " (" + p.where + ")"));
        list.appendChild(item);
      });
    }
    list.id = "checks";
    list.setAttribute("aria-live", "polite");
    old.parentNode.replaceChild(list, old);
  }

  function check() {
    fetch(form.dataset.check, { method: "POST", body: new FormData(form), credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        preview.innerHTML = data.preview; // escaped on the server; only simple tags kept
        showChecks(data.problems);
      })
      .catch(function () { /* offline: the Preview button still works */ });
  }

  body.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(check, 400);
  });
})();
