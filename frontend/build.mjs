// Builds the vendored browser files under ../static/vendor (committed; `make run` needs no npm).
// CodeMirror is bundled into one minified IIFE (window.CM); the other libraries ship minified
// browser builds already, which are copied as they are. Each directory gets the LICENSE texts.
import { build } from "esbuild";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const modules = join(here, "node_modules");
const vendor = join(here, "..", "static", "vendor");

function version(pkg) {
  return JSON.parse(readFileSync(join(modules, pkg, "package.json"), "utf8")).version;
}

function licenses(dir, packages, extra = "") {
  const parts = packages.map((pkg) => {
    const text = readFileSync(join(modules, pkg, "LICENSE"), "utf8").trim();
    return `${pkg} ${version(pkg)}\n${"-".repeat(pkg.length)}\n${text}\n`;
  });
  writeFileSync(join(dir, "LICENSE"), parts.join("\n") + extra);
}

// The source-map comment goes: the maps are not shipped, and Django's manifest storage
// (collectstatic) fails on a JS file that names a map it cannot find.
function copy(pkg, file, dirName, target) {
  const dir = join(vendor, dirName);
  mkdirSync(dir, { recursive: true });
  const text = readFileSync(join(modules, pkg, file), "utf8");
  writeFileSync(join(dir, target), text.replace(/\n?\/\/# sourceMappingURL=\S+\s*$/, "\n"));
  return dir;
}

// CodeMirror 6 and its YAML language, with every package it pulls in credited.
const cmDir = join(vendor, "codemirror");
mkdirSync(cmDir, { recursive: true });
await build({
  entryPoints: [join(here, "src", "codemirror.js")],
  bundle: true,
  minify: true,
  format: "iife",
  globalName: "CM",
  target: "es2020",
  legalComments: "none",
  banner: { js: "/* CodeMirror 6 bundle for Pod Designer; licences in LICENSE next to this file. */" },
  outfile: join(cmDir, "codemirror.min.js"),
});
licenses(cmDir, [
  "@codemirror/autocomplete", "@codemirror/commands", "@codemirror/lang-yaml", "@codemirror/language",
  "@codemirror/lint", "@codemirror/search", "@codemirror/state", "@codemirror/view", "@lezer/common",
  "@lezer/highlight", "@lezer/lr", "@lezer/yaml", "@marijn/find-cluster-break", "crelt", "style-mod",
  "w3c-keyname",
]);

// Graphviz compiled to WebAssembly, the WASM inlined (window.Viz). The npm package carries no
// LICENSE file: viz.js is MIT (package.json), Graphviz EPL-1.0, Expat MIT.
const vizDir = copy("@viz-js/viz", "dist/viz-global.js", "viz", "viz-global.js");
writeFileSync(join(vizDir, "LICENSE"), `@viz-js/viz ${version("@viz-js/viz")}
Copyright (c) Michael Daines. Licensed under the MIT License:

Permission is hereby granted, free of charge, to any person obtaining a copy of this software and
associated documentation files (the "Software"), to deal in the Software without restriction,
including without limitation the rights to use, copy, modify, merge, publish, distribute,
sublicense, and/or sell copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all copies or
substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT
NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND
NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES
OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN
CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.

This distribution contains other software in object code form:
- Graphviz (https://www.graphviz.org), Eclipse Public License 1.0
  (https://www.eclipse.org/legal/epl-v10.html); source at https://gitlab.com/graphviz/graphviz
- Expat (https://libexpat.github.io), MIT License
`);

licenses(copy("dompurify", "dist/purify.min.js", "dompurify", "purify.min.js"), ["dompurify"]);
licenses(copy("svg-pan-zoom", "dist/svg-pan-zoom.min.js", "svg-pan-zoom", "svg-pan-zoom.min.js"), ["svg-pan-zoom"]);
licenses(copy("idiomorph", "dist/idiomorph.min.js", "idiomorph", "idiomorph.min.js"), ["idiomorph"]);

console.log("built into", vendor);
