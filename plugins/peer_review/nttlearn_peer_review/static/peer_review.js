// Progressive enhancement only: every form here works without this file.
document.addEventListener("DOMContentLoaded", () => {
  // A live word count under section editors (the server counts the same way and refuses a save
  // over the limit; this only tells the learner earlier).
  const countWords = (text) => (text.match(/[\p{L}\p{N}_]+(?:[-'’][\p{L}\p{N}_]+)*/gu) || []).length;
  document.querySelectorAll("textarea[data-word-limit]").forEach((area) => {
    const output = area.closest(".field")?.querySelector("[data-word-count]");
    if (!output || !output.dataset.countTemplate) return;
    const limit = Number(area.dataset.wordLimit);
    const update = () => {
      const words = countWords(area.value);
      const over = words > limit;
      output.textContent = output.dataset.countTemplate.replace("{words}", words).replace("{limit}", limit)
        + (over ? ` — ${output.dataset.overText}` : "");
      output.classList.toggle("pr-word-count-over", over);
    };
    area.addEventListener("input", update);
    update();
  });

  // The team picker: a filter box over the list of learners' checkboxes (hidden until this runs).
  document.querySelectorAll("[data-picker]").forEach((picker) => {
    const filter = picker.querySelector("[data-picker-filter]");
    const status = picker.querySelector("[data-picker-status]");
    if (!filter) return;
    filter.closest(".field").hidden = false;
    const items = [...picker.querySelectorAll("li")];
    filter.addEventListener("input", () => {
      const wanted = filter.value.trim().toLocaleLowerCase();
      let shown = 0;
      items.forEach((item) => {
        const match = !wanted || item.textContent.toLocaleLowerCase().includes(wanted);
        item.hidden = !match && !item.querySelector("input").checked;
        if (!item.hidden) shown += 1;
      });
      if (status) status.textContent = status.dataset.template.replace("{n}", shown);
    });
  });
});
