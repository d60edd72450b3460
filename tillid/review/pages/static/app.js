// A little progressive enhancement; every form works without it.
document.addEventListener("submit", function (event) {
  var form = event.target;
  var button = event.submitter;
  if (button && button.dataset.needsComment) {
    var comment = form.querySelector("textarea[name=comment]");
    if (comment && !comment.value.trim()) {
      event.preventDefault();
      comment.setCustomValidity(button.dataset.needsComment);
      comment.reportValidity();
      comment.addEventListener("input", function () { comment.setCustomValidity(""); }, { once: true });
      return;
    }
  }
  // Keep the pressed button's value (disabled buttons are not submitted), then stop double posts.
  if (button && button.name) {
    var hidden = document.createElement("input");
    hidden.type = "hidden"; hidden.name = button.name; hidden.value = button.value;
    form.appendChild(hidden);
  }
  form.querySelectorAll("button").forEach(function (b) { b.disabled = true; });
});

// "Back" on an error page goes back in history; without script it goes home.
document.addEventListener("click", function (event) {
  var link = event.target.closest && event.target.closest("a[data-back]");
  if (link && window.history.length > 1) {
    event.preventDefault();
    window.history.back();
  }
});
