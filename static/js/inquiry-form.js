// The inquiry form's small helpers. The form works fully without them.
// 1. With errors (or the note asking to send again), move focus to the summary so
//    keyboard and screen-reader users hear it.
// 2. A live character counter for the message, announced politely after typing pauses.
// 3. Choosing a call or a text marks the phone field required at once, not after sending
//    (the server still checks it).
(function () {
  "use strict";

  function focusErrorSummary() {
    // Or the note asking to check and send again (a form sent faster than people type).
    var summary = document.getElementById("error-summary") || document.getElementById("send-again");
    if (summary) {
      summary.focus();
    }
  }

  function describe(count, max) {
    var left = max - count;
    if (left >= 0) {
      return left.toLocaleString("en-US") + " of " + max.toLocaleString("en-US") + " characters left";
    }
    return (-left).toLocaleString("en-US") + " characters too many";
  }

  function setUpCounter() {
    var textarea = document.getElementById("id_message");
    if (!textarea) {
      return;
    }
    var max = parseInt(textarea.getAttribute("data-max-length"), 10);
    if (!max) {
      return;
    }
    var visible = document.createElement("div");
    visible.id = "id_message_counter";
    visible.className = "form-text inquiry-counter";
    var live = document.createElement("div");
    live.className = "visually-hidden";
    live.setAttribute("aria-live", "polite");
    // After the help text ("Up to 2,000 characters") when there is one.
    var help = document.getElementById("id_message_helptext");
    (help || textarea).insertAdjacentElement("afterend", visible);
    visible.insertAdjacentElement("afterend", live);

    var described = textarea.getAttribute("aria-describedby");
    textarea.setAttribute("aria-describedby", (described ? described + " " : "") + visible.id);

    var timer = null;
    function show() {
      // Count line breaks as one character each, as the server does.
      var count = textarea.value.replace(/\r\n/g, "\n").length;
      visible.textContent = describe(count, max);
      visible.classList.toggle("inquiry-counter--over", count > max);
    }
    textarea.addEventListener("input", function () {
      show();
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        live.textContent = visible.textContent;
      }, 1000);
    });
    show();
  }

  function setUpPhoneRequired() {
    var phone = document.getElementById("id_phone");
    var label = document.querySelector("label[for='id_phone']");
    if (!phone || !label || !phone.form) {
      return;
    }
    // The contact methods that need a phone, from the form (data-required-for="phone text").
    var methods = (phone.getAttribute("data-required-for") || "").split(" ");
    // The same "*" the required fields' labels carry, right after the label's text.
    var marker = document.createElement("span");
    marker.className = "asteriskField";
    marker.textContent = "*";
    if (label.lastChild && label.lastChild.nodeType === Node.TEXT_NODE) {
      label.lastChild.nodeValue = label.lastChild.nodeValue.replace(/\s+$/, "");
    }

    function update() {
      var chosen = phone.form.querySelector("input[name='contact_method']:checked");
      var needed = Boolean(chosen) && methods.indexOf(chosen.value) !== -1;
      phone.required = needed;
      label.classList.toggle("requiredField", needed);
      if (needed) {
        phone.setAttribute("aria-required", "true");
        label.appendChild(marker);
      } else {
        phone.removeAttribute("aria-required");
        marker.remove();
      }
    }
    phone.form.querySelectorAll("input[name='contact_method']").forEach(function (radio) {
      radio.addEventListener("change", update);
    });
    update(); // a form shown again keeps the choice that was sent
  }

  document.addEventListener("DOMContentLoaded", function () {
    focusErrorSummary();
    setUpCounter();
    setUpPhoneRequired();
  });
})();
