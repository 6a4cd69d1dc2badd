// Progressive enhancement only: a live word count beside section editors.
document.addEventListener("DOMContentLoaded", () => {
  const countWords = (text) => (text.match(/[\p{L}\p{N}_]+(?:[-'’][\p{L}\p{N}_]+)*/gu) || []).length;
  document.querySelectorAll("textarea[data-word-limit]").forEach((area) => {
    const output = area.closest(".field")?.querySelector("[data-word-count]");
    if (!output) return;
    const limit = Number(area.dataset.wordLimit);
    const template = output.textContent;
    const update = () => {
      const words = countWords(area.value);
      output.textContent = `${words} / ${limit} — ${template}`;
      output.classList.toggle("pr-word-count-over", words > limit);
    };
    area.addEventListener("input", update);
    update();
  });
});
