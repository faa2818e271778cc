// Article intake: a paste longer than intake reads is refused here, before it is sent, so the
// text stays in the box (a request over the server's size limit could not come back with it).
document.addEventListener("DOMContentLoaded", () => {
  for (const area of document.querySelectorAll("textarea[data-max-bytes]")) {
    const form = area.form;
    const limit = Number(area.dataset.maxBytes);
    const message = document.getElementById(area.id + "-size");
    if (!form || !limit || !message) continue;
    const check = () => {
      // Browsers send a textarea's line breaks as CRLF: count them as sent.
      const size = new Blob([area.value.replace(/\r?\n/g, "\r\n")]).size;
      const over = size > limit;
      message.textContent = over
        ? `This text is ${Math.ceil((size - limit) / 1024).toLocaleString()} KB over the ${(limit / 1024).toLocaleString()} KB intake reads. Shorten it to the part of the report to record.`
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
