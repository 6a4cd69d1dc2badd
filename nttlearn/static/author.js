// Lesson editor: a live preview rendered by the server (same Markdown renderer, sanitizer and
// checks as the site). Progressive enhancement only: without JavaScript the "Preview" button
// sends the form and the page comes back with the preview.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("textarea[data-preview-url]").forEach((editor) => {
    const preview = document.getElementById(editor.dataset.previewTarget);
    const problems = document.getElementById(editor.dataset.problemsTarget);
    const token = editor.form.querySelector("input[name=csrf_token]");
    if (!preview) return;
    let timer = null;
    let sent = 0;

    const showProblems = (items) => {
      if (!problems) return;
      problems.replaceChildren(...items.map((item) => {
        const li = document.createElement("li");
        li.className = "error";
        li.textContent = item.text;
        return li;
      }));
    };

    const refresh = async () => {
      const body = new FormData();
      body.append("body", editor.value);
      body.append("module_id", editor.dataset.moduleId);
      const headers = { Accept: "application/json" };
      if (token) {
        body.append("csrf_token", token.value);
        headers["X-CSRFToken"] = token.value;
      }
      const request = ++sent;
      try {
        const response = await fetch(editor.dataset.previewUrl, {
          method: "POST", body, headers, credentials: "same-origin",
        });
        if (!response.ok || request !== sent) return;
        const data = await response.json();
        preview.innerHTML = data.html; // already sanitized by the server (nh3)
        showProblems(data.problems || []);
      } catch (error) {
        // Offline or server error: the Preview button still works.
      }
    };

    editor.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(refresh, 400);
    });
  });
});

// Course outline: drag-and-drop reordering on top of the up/down buttons. A drop sends the same
// "move up"/"move down" requests as the buttons, as many times as needed, then reloads the page.
document.addEventListener("DOMContentLoaded", () => {
  const items = document.querySelectorAll("[data-sort-group]");
  const token = document.querySelector("input[name=csrf_token]");
  let dragged = null;

  const move = async (url, times) => {
    for (let i = 0; i < times; i += 1) {
      const body = new FormData();
      const headers = {};
      if (token) {
        body.append("csrf_token", token.value);
        headers["X-CSRFToken"] = token.value;
      }
      const response = await fetch(url, { method: "POST", body, headers, credentials: "same-origin" });
      if (!response.ok) break;
    }
    window.location.reload();
  };

  items.forEach((item) => {
    item.setAttribute("draggable", "true");
    item.addEventListener("dragstart", (event) => {
      event.stopPropagation();
      dragged = item;
      event.dataTransfer.effectAllowed = "move";
      item.classList.add("dragging");
    });
    item.addEventListener("dragend", () => {
      item.classList.remove("dragging");
      dragged = null;
    });
    item.addEventListener("dragover", (event) => {
      if (dragged && dragged !== item && dragged.dataset.sortGroup === item.dataset.sortGroup) {
        event.preventDefault();
        event.stopPropagation();
      }
    });
    item.addEventListener("drop", (event) => {
      if (!dragged || dragged.dataset.sortGroup !== item.dataset.sortGroup) return;
      event.preventDefault();
      event.stopPropagation();
      const group = Array.from(document.querySelectorAll(`[data-sort-group="${item.dataset.sortGroup}"]`));
      const from = group.indexOf(dragged);
      const to = group.indexOf(item);
      if (from === to) return;
      move(to < from ? dragged.dataset.moveUp : dragged.dataset.moveDown, Math.abs(to - from));
    });
  });
});
