// Filter forms (templates/events/_filter_form.html) and the folding panels (templates/base.html).
// Everything here is an improvement on pages that work without it.

// Leaves out of `data` (a FormData, or htmx's view of one) every empty value.
const dropEmpty = (data) => {
  for (const name of new Set(data.keys())) {
    const values = data.getAll(name);
    const kept = values.filter((value) => typeof value !== "string" || value.trim() !== "");
    if (kept.length === values.length) continue;
    data.delete(name);
    for (const value of kept) data.append(name, value);
  }
};

// An in-place refresh asks only for the filters that have a value, so the address htmx puts in
// the bar (hx-push-url) reads "?stance=hostile", not "?q=&channel=&party=&stance=hostile&…".
document.addEventListener("htmx:configRequest", (event) => {
  if (event.detail.verb === "get") dropEmpty(event.detail.parameters);
});

// The same for a GET form that htmx does not send (the board's filters, the menu's search box):
// the browser builds the address from this FormData. (Without JavaScript the list pages
// redirect to the address without the empty values: events.views.without_empty_parameters.)
document.addEventListener("formdata", (event) => {
  if (event.target.method === "get") dropEmpty(event.formData);
});

// "Filters (n)": n follows the form while it changes (the server counts the same way on load:
// events.templatetags.diplomacy.active_filters; sorting and grouping fields are marked
// data-view-option by templates/events/_field.html).
const countFilters = (form) => {
  let count = 0;
  for (const field of form.querySelectorAll(".filters__field:not([data-view-option])")) {
    const set = [...field.querySelectorAll("input, select, textarea")].some((control) =>
      control.type === "checkbox" || control.type === "radio"
        ? control.checked
        : control.value.trim() !== "",
    );
    if (set) count += 1;
  }
  return count;
};

for (const panel of document.querySelectorAll(".filters-panel")) {
  const form = panel.querySelector("form");
  const counter = panel.querySelector("[data-filter-count]");
  if (!form || !counter) continue;
  const update = () => {
    counter.textContent = String(countFilters(form));
  };
  form.addEventListener("change", update);
  form.addEventListener("input", update);
}

// Wide screens show the folded panels open through CSS (::details-content). A browser without
// that selector shows their buttons instead; open the panels for it once, on a wide screen.
if (!CSS.supports("selector(::details-content)") && matchMedia("(min-width: 48rem)").matches) {
  for (const panel of document.querySelectorAll("details[data-open-wide]")) panel.open = true;
}
