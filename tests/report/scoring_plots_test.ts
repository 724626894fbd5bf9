import { assert, assertEquals } from "../_helpers/assert.ts";
import { freshSeed, Rng } from "../_helpers/random.ts";
import { detPlotSvg } from "../../src/report/det_plot.ts";
import { tippettCurve, tippettPlotSvg } from "../../src/report/tippett_plot.ts";
import { explanationPlotSvg } from "../../src/report/explanation_plot.ts";

function parse(svg: string): void {
  assert(svg.startsWith("<svg") && svg.trimEnd().endsWith("</svg>"), "an svg document");
}

Deno.test("detPlotSvg() draws a thinned DET curve on probit axes with the EER in the legend", () => {
  const seed = freshSeed();
  const rng = new Rng(seed);
  const tar = Array.from({ length: 20000 }, () => rng.normal() + 2);
  const non = Array.from({ length: 40000 }, () => rng.normal());
  const svg = detPlotSvg(tar, non, { title: "test & <check>" });
  parse(svg);
  assert(svg.includes("test &amp; &lt;check&gt;"), "title escaped");
  assert(/EER \d+\.\d\d%/.test(svg), "EER in the legend");
  const points = svg.match(/points="([^"]*)"/)![1].split(" ").length;
  assert(points > 50 && points < 5000, `thinned to ${points} points (seed ${seed})`);
  assert(svg.includes(">0.1%<") && svg.includes(">10%<"), "probit ticks");
});

Deno.test("tippettCurve() gives the proportion of LLRs at or above each value", () => {
  const c = tippettCurve([3, -1, 2, 2]);
  assertEquals(Array.from(c.x), [-1, 2, 2, 3]);
  assertEquals(Array.from(c.y), [1, 0.75, 0.5, 0.25]);
  const svg = tippettPlotSvg([1, 2, 3], [-3, -2, 0.5, -1]);
  parse(svg);
  assert(svg.includes("target (3)") && svg.includes("non-target (4)"), "legend counts");
});

Deno.test("explanationPlotSvg() shows the strongest attributes for and against", () => {
  const contributions = [0.5, -2, 0, 3, -0.1];
  const svg = explanationPlotSvg(contributions, 1.4, { k: 2, attributeName: (a) => `attr${a}` });
  parse(svg);
  const labels = [...svg.matchAll(/text-anchor="end">([^<]*)</g)].map((m) => m[1]);
  assertEquals(labels, ["attr3", "attr0", "attr1", "attr4"]);
  assert(svg.includes("LLR 1.40"), "score in the title");
});
