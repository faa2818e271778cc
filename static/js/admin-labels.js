"use strict";
// The admin's autocomplete menus (select2) hide the <select> that carries the field's label and
// draw their own controls, which a screen reader would announce without a name: the combobox is
// named only by the chosen value (nothing when empty), the read-only display of that value is a
// nameless "textbox", and a multiple menu's search box has no label at all. Each control is
// named here after the field — its <label>, or in a tabular inline row the <select>'s
// aria-label (events/admin.py, with_row_labels) — with the chosen value after it. Checked by
// tests/browser/test_accessibility.py (axe-core).
{
  const fieldName = (select) => {
    const label = select.id && document.querySelector(`label[for="${CSS.escape(select.id)}"]`);
    const text = label ? label.textContent : select.getAttribute("aria-label") || select.name;
    return text.trim().replace(/:$/, "");
  };

  const nameWidgets = (root) => {
    root.querySelectorAll("select.admin-autocomplete").forEach((select) => {
      const widget = select.nextElementSibling;
      if (!widget || !widget.classList.contains("select2") || !select.id) return;
      const name = fieldName(select);
      let nameHolder = document.getElementById(`${select.id}-name`);
      if (!nameHolder) {
        nameHolder = document.createElement("span");
        nameHolder.id = `${select.id}-name`;
        nameHolder.hidden = true;
        nameHolder.textContent = name;
        widget.after(nameHolder);
      }
      const combobox = widget.querySelector('[role="combobox"]');
      const shown = widget.querySelector(".select2-selection__rendered");
      if (shown && shown.id) {
        // The value as text, read as part of the combobox's name, not a read-only "textbox".
        shown.removeAttribute("role");
        shown.removeAttribute("aria-readonly");
        combobox.setAttribute("aria-labelledby", `${nameHolder.id} ${shown.id}`);
      } else if (combobox) {
        combobox.removeAttribute("aria-labelledby");
        combobox.setAttribute("aria-label", name);
      }
      widget.querySelectorAll(".select2-search__field").forEach((search) => {
        search.setAttribute("aria-label", name);
      });
      // A multiple menu draws its "Remove all items" cross straight inside its list of choices.
      widget.querySelectorAll("ul > .select2-selection__clear").forEach((clear) => {
        clear.setAttribute("role", "listitem");
      });
    });
  };

  // The menus are drawn by the admin's own scripts once the page is ready, again in each row
  // that "Add another" adds, and a multiple menu draws its search box again after each choice:
  // name them whenever the page's elements change (naming is idempotent).
  let pending = false;
  new MutationObserver(() => {
    if (pending) return;
    pending = true;
    setTimeout(() => {
      pending = false;
      nameWidgets(document);
    });
  }).observe(document.documentElement, {childList: true, subtree: true});
}
