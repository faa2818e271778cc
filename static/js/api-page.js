"use strict";
// The browsable API (templates/rest_framework/api.html) is Django REST framework's page, whose
// <html> tag and format menu are outside any block a template can override: give the page its
// language and the format menu's button (a caret alone) a name, for screen readers (checked
// by tests/browser/test_accessibility.py, axe-core).
document.documentElement.lang = "en";
document.querySelectorAll(".format-selection .dropdown-toggle").forEach((button) => {
  button.setAttribute("aria-label", "Choose a format for the GET request");
  button.querySelectorAll(".caret").forEach((caret) => caret.setAttribute("aria-hidden", "true"));
});
