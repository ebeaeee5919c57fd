// factcheck dashboard: keyboard shortcuts, lease renewal, article status polling.
// Plain script, no dependencies; every action also has a link, button or form for the mouse.
(function () {
  "use strict";

  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function inTextField(el) {
    if (!el) return false;
    var tag = el.tagName;
    if (tag === "TEXTAREA" || tag === "SELECT" || el.isContentEditable) return true;
    if (tag !== "INPUT") return false;
    return !/^(radio|checkbox|button|submit|reset)$/i.test(el.type);
  }

  function submit(form) {
    if (!form) return;
    if (form.requestSubmit) form.requestSubmit(); else form.submit();
  }

  function go(link) {
    if (link && link.href) window.location.href = link.href;
  }

  // --- Help dialog -----------------------------------------------------------------------------
  var dialog = document.getElementById("keys-dialog");
  function toggleHelp() {
    if (!dialog) return;
    if (dialog.open) dialog.close(); else dialog.showModal();
  }
  document.querySelectorAll("[data-show-keys]").forEach(function (button) {
    button.addEventListener("click", toggleHelp);
  });

  // --- Queue: j/k select a row, Enter opens it -------------------------------------------------
  var rows = Array.prototype.slice.call(document.querySelectorAll("tr[data-row]"));
  var selected = -1;
  function select(index) {
    if (!rows.length) return;
    index = Math.max(0, Math.min(rows.length - 1, index));
    if (selected >= 0) rows[selected].classList.remove("selected");
    selected = index;
    var row = rows[selected];
    row.classList.add("selected");
    var link = row.querySelector("[data-row-link]");
    if (link) link.focus({ preventScroll: true });
    row.scrollIntoView({ block: "nearest" });
  }
  rows.forEach(function (row, i) {
    row.addEventListener("focusin", function () {
      if (selected >= 0 && selected !== i) rows[selected].classList.remove("selected");
      selected = i;
      row.classList.add("selected");
    });
  });

  // --- Claim page: ratings, save, skip, dismiss --------------------------------------------------
  var verdictForm = document.getElementById("verdict-form");
  var explanation = verdictForm && verdictForm.querySelector("textarea[name=explanation]");
  function pickRating(n) {
    if (!verdictForm) return false;
    var radios = verdictForm.querySelectorAll("input[name=rating]");
    var radio = radios[n - 1];
    if (!radio) return false;
    radio.checked = true;
    radio.dispatchEvent(new Event("change", { bubbles: true }));
    if (explanation) explanation.focus();
    return true;
  }

  if (verdictForm) {
    verdictForm.addEventListener("keydown", function (event) {
      // Enter saves from anywhere in the form; Shift+Enter keeps its new line in text areas.
      if (event.key !== "Enter" || event.shiftKey || event.altKey || event.isComposing) return;
      var target = event.target;
      if (target.tagName === "BUTTON" || target.tagName === "A") return;
      event.preventDefault();
      submit(verdictForm);
    });
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || event.isComposing) return;
    var target = event.target;
    if (event.key === "Escape" && inTextField(target)) {
      target.blur();
      return;
    }
    if (inTextField(target)) return;
    if (dialog && dialog.open && event.key !== "?") return;
    var key = event.key;
    var handled = true;
    if (key === "?") {
      toggleHelp();
    } else if (key === "/" && document.querySelector("input[name=q]")) {
      document.querySelector("input[name=q]").focus();
    } else if (key === "n" && document.getElementById("next-form")) {
      submit(document.getElementById("next-form"));
    } else if (rows.length && (key === "j" || key === "k")) {
      select(selected + (key === "j" ? 1 : -1));
    } else if (key === "j" && document.querySelector("[data-key-next]")) {
      go(document.querySelector("[data-key-next]"));
    } else if (key === "k" && document.querySelector("[data-key-prev]")) {
      go(document.querySelector("[data-key-prev]"));
    } else if (/^[1-7]$/.test(key) && verdictForm) {
      handled = pickRating(Number(key));
    } else if (key === "Enter" && verdictForm && (target === document.body || !target.closest("a, button, form"))) {
      submit(verdictForm);
    } else if (key === "s" && document.getElementById("skip-form")) {
      submit(document.getElementById("skip-form"));
    } else if (key === "r" && document.getElementById("reuse-form")) {
      submit(document.getElementById("reuse-form"));
    } else if (key === "d" && document.getElementById("dismiss-form")) {
      submit(document.getElementById("dismiss-form"));
    } else {
      handled = false;
    }
    if (handled) event.preventDefault();
  });

  // --- Lease renewal while the claim page is open -----------------------------------------------
  var lease = document.querySelector("[data-renew-url]");
  if (lease) {
    var every = Math.max(5, Number(lease.getAttribute("data-renew-every")) || 60) * 1000;
    var timer = window.setInterval(function () {
      if (document.hidden) return;  // a forgotten background tab lets its lease run out
      fetch(lease.getAttribute("data-renew-url"), {
        method: "POST",
        headers: { "X-CSRFToken": csrfToken() },
        credentials: "same-origin",
      }).then(function (response) {
        if (response.status === 409) {
          window.clearInterval(timer);
          var lost = lease.querySelector("[data-lease-lost]");
          if (lost) lost.hidden = false;
        }
      }).catch(function () { /* offline for a moment: the next tick tries again */ });
    }, every);
  }

  // --- Article status: poll until the split is done ---------------------------------------------
  var poll = document.querySelector("[data-poll-url]");
  if (poll) {
    var url = poll.getAttribute("data-poll-url");
    var tick = function () {
      fetch(url, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
        .then(function (response) { return response.ok ? response.text() : null; })
        .then(function (html) {
          if (html === null) return;
          poll.innerHTML = html;
          var status = poll.querySelector("[data-done]");
          if (status && status.getAttribute("data-done") === "true") {
            window.location.reload();  // the full page lists the claims
            return;
          }
          window.setTimeout(tick, 1500);
        })
        .catch(function () { window.setTimeout(tick, 4000); });
    };
    window.setTimeout(tick, 1500);
  }
})();
