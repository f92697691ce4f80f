// `npm run precompress` (after `npm run build`): writes a Brotli (.br) and a gzip (.gz) copy next to
// every text asset in .next/static, for an edge that serves them as they are (nginx's brotli_static and
// gzip_static; see docs/deploy.md). `next start` compresses on the fly with gzip only; Brotli at its
// highest quality is too slow to run per request but is done here once per build.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import zlib from "node:zlib";

const staticDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../.next/static");
const COMPRESSIBLE = new Set([".js", ".css", ".svg", ".json", ".txt"]);

if (!fs.existsSync(staticDir)) {
  console.error("No .next/static: run `npm run build` first.");
  process.exit(1);
}

let files = 0;
let raw = 0;
let brotli = 0;
for (const entry of fs.readdirSync(staticDir, { recursive: true, withFileTypes: true })) {
  if (!entry.isFile() || !COMPRESSIBLE.has(path.extname(entry.name))) continue;
  const file = path.join(entry.parentPath, entry.name);
  const content = fs.readFileSync(file);
  const br = zlib.brotliCompressSync(content, {
    params: {
      [zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_TEXT,
      [zlib.constants.BROTLI_PARAM_QUALITY]: zlib.constants.BROTLI_MAX_QUALITY,
      [zlib.constants.BROTLI_PARAM_SIZE_HINT]: content.length,
    },
  });
  fs.writeFileSync(`${file}.br`, br);
  fs.writeFileSync(`${file}.gz`, zlib.gzipSync(content, { level: zlib.constants.Z_BEST_COMPRESSION }));
  files += 1;
  raw += content.length;
  brotli += br.length;
}
console.log(`precompressed ${files} files in .next/static: ${(raw / 1024).toFixed(0)} KiB, ${(brotli / 1024).toFixed(0)} KiB as Brotli`);
