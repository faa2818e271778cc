// Article intake: a paste longer than intake reads is refused here, before it is sent, so the
// text stays in the box (a request over the server's size limit could not come back with it).
document.addEventListener("DOMContentLoaded", () => {
  for (const area of document.querySelectorAll("textarea[data-max-bytes]")) {
    const form = area.form;
    const limit = Number(area.dataset.maxBytes);
    const message = document.getElementById(area.id + "-size");
    if (!form || !limit || !message) continue;
    const check = () => {
      const size = new Blob([area.value]).size;
      const over = size > limit;
      message.textContent = over
        ? `This text is ${Math.round(size / 1024).toLocaleString()} KB; intake reads at most ${Math.round(limit / 1024).toLocaleString()} KB. Shorten it to the part of the report to record.`
        : "";
      area.setAttribute("aria-invalid", over ? "true" : "false");
      return !over;
    };
    area.addEventListener("change", check);
    form.addEventListener("submit", (event) => {
      if (!check()) {
        event.preventDefault();
        area.focus();
      }
    });
  }
});
