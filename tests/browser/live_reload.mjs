// Drives `vigie serve` in headless Chromium as an author would: open an
// incident page, edit its post, save, and check that the page reloads by
// itself once with the change; then break the front matter, check the error
// overlay, fix it, and check that the overlay goes. Screenshots are saved.
//
// usage: node live_reload.mjs SERVE_URL PAGE_PATH POST_FILE OUT_DIR
// needs puppeteer-core (npm) and Debian's chromium at /usr/bin/chromium.
import fs from "node:fs";
import puppeteer from "puppeteer-core";

const [base, pagePath, postFile, outDir] = process.argv.slice(2);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const browser = await puppeteer.launch({
  executablePath: "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const page = await browser.newPage();
await page.setViewport({ width: 1100, height: 900 });
let loads = 0;
page.on("load", () => loads++);
await page.goto(base + pagePath, { waitUntil: "load" });
await sleep(500);
const original = fs.readFileSync(postFile, "utf8");
const report = [];
try {
  // 1. an edit reloads the page by itself, once
  const before = loads;
  const saved = Date.now();
  fs.writeFileSync(postFile, original + "\n\nParagraphe ajouté pendant la prévisualisation.\n");
  while (loads === before && Date.now() - saved < 5000) await sleep(10);
  const reloadedAfter = Date.now() - saved;
  await sleep(1000);
  const body = await page.$eval("main", (e) => e.textContent);
  const shown = body.includes("Paragraphe ajouté pendant la prévisualisation.");
  report.push(`edit: ${loads - before} reload(s), first ${reloadedAfter} ms after the save; new paragraph shown: ${shown}`);
  await page.screenshot({ path: `${outDir}/serve-after-edit.png` });
  if (loads - before !== 1 || !shown) throw new Error("edit was not reloaded exactly once");

  // 2. a broken front matter shows the overlay over the last good page
  const beforeBreak = loads;
  fs.writeFileSync(postFile, original.replace(/^services = \[/m, 'services = ["mial", '));
  while (loads === beforeBreak) await sleep(10);
  await sleep(300);
  const overlay = await page.$eval("#vigie-error pre", (e) => e.textContent).catch(() => null);
  report.push(`broken: overlay = ${JSON.stringify(overlay && overlay.split("\n")[0])}`);
  await page.screenshot({ path: `${outDir}/serve-error-overlay.png` });
  if (!overlay || !overlay.includes("unknown service")) throw new Error("no overlay");

  // 3. fixing it removes the overlay
  const beforeFix = loads;
  fs.writeFileSync(postFile, original);
  while (loads === beforeFix) await sleep(10);
  await sleep(300);
  const still = await page.$("#vigie-error");
  report.push(`fixed: overlay ${still ? "still there" : "gone"}`);
  if (still) throw new Error("overlay stayed");
  console.log(report.join("\n"));
  console.log("PASS live reload in Chromium");
} catch (e) {
  console.log(report.join("\n"));
  console.log("FAIL " + e.message);
  process.exitCode = 1;
} finally {
  fs.writeFileSync(postFile, original);
  await browser.close();
}
