// Grading with a rubric: the mark shown as the trainer chooses levels. Only a convenience: the
// server computes the mark it stores from the levels sent (see grading.py).
(function () {
  const form = document.querySelector("form[data-rubric-max]");
  if (!form) return;
  const output = document.getElementById("rubric-mark");
  const max = parseFloat(form.dataset.rubricMax), low = parseFloat(form.dataset.rubricLow),
        high = parseFloat(form.dataset.rubricHigh);
  const groups = Array.from(form.querySelectorAll("fieldset[data-criterion]"));
  function update() {
    let total = 0, chosen = 0;
    for (const group of groups) {
      const checked = group.querySelector("input[type=radio]:checked");
      if (checked) { total += parseFloat(checked.value); chosen += 1; }
    }
    if (chosen < groups.length) { output.textContent = output.dataset.incomplete; return; }
    const mark = Math.round(((total - low) / (high - low)) * max * 100) / 100;
    output.textContent = String(mark);
  }
  form.addEventListener("change", update);
  update();
})();
