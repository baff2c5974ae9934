// Import pages: a busy indicator while a workbook is sent, and the progress of a running
// import, polled from the status endpoint (no inline script: the CSP forbids it).
document.querySelectorAll("form[data-upload]").forEach((form) => {
  form.addEventListener("submit", () => {
    const busy = form.querySelector("[data-busy]");
    if (busy) {
      busy.hidden = false;
    }
    form.querySelectorAll("button[type=submit]").forEach((button) => {
      button.disabled = true;
    });
  });
});

const statusBox = document.querySelector("[data-import-status]");
if (statusBox) {
  const bar = statusBox.querySelector("progress");
  const count = statusBox.querySelector("[data-count]");
  const poll = async () => {
    try {
      const response = await fetch(statusBox.dataset.importStatus, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      const status = await response.json();
      if (status.state !== "running") {
        window.location.reload();
        return;
      }
      if (status.total) {
        bar.max = status.total;
        bar.value = Math.min(status.done, status.total);
      }
      count.textContent = status.done.toLocaleString(document.documentElement.lang || "vi");
    } catch (error) {
      // A missed poll is retried below.
    }
    window.setTimeout(poll, 1000);
  };
  window.setTimeout(poll, 1000);
}
