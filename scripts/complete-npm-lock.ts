// Completes an npm lock file with the other platforms' optional native packages (Next's SWC,
// Tailwind's oxide, the ESLint resolver) when the registry it was made from does not serve them:
// without these entries `npm ci` refuses the lock file as out of sync with package.json.
// Each added entry carries the os/cpu/libc its name states, so npm skips it everywhere else; on its
// own platform npm fetches it by version.
//   frontend/node_modules/.bin/tsx scripts/complete-npm-lock.ts frontend/package-lock.json
import fs from "node:fs";

type LockEntry = {
  version?: string;
  dev?: boolean;
  optional?: boolean;
  optionalDependencies?: Record<string, string>;
  os?: string[];
  cpu?: string[];
  libc?: string[];
};

const OPERATING_SYSTEMS = ["darwin", "win32", "android", "freebsd", "linux", "openharmony"];
const CPUS = ["arm64", "x64", "ia32", "arm", "loong64", "ppc64", "riscv64", "s390x"];

function platformOf(name: string): Pick<LockEntry, "os" | "cpu" | "libc"> {
  const parts = (name.split("/").pop() ?? name).split("-");
  if (parts.includes("wasm32")) return { cpu: ["wasm32"] };
  const os = parts.find((part) => OPERATING_SYSTEMS.includes(part));
  const cpu = parts.find((part) => CPUS.includes(part));
  if (!os || !cpu) throw new Error(`cannot tell the platform of ${name} from its name`);
  const platform: Pick<LockEntry, "os" | "cpu" | "libc"> = { os: [os], cpu: [cpu] };
  if (parts.some((part) => part.startsWith("gnu"))) platform.libc = ["glibc"];
  if (parts.some((part) => part.startsWith("musl"))) platform.libc = ["musl"];
  return platform;
}

const lockPath = process.argv[2];
if (!lockPath) throw new Error("usage: complete-npm-lock.ts <package-lock.json>");
const lock = JSON.parse(fs.readFileSync(lockPath, "utf8")) as { packages: Record<string, LockEntry> };

let added = 0;
for (const entry of Object.values(lock.packages)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const key = `node_modules/${name}`;
    if (lock.packages[key]) continue;
    lock.packages[key] = { version, ...(entry.dev ? { dev: true } : {}), optional: true, ...platformOf(name) };
    added += 1;
  }
}
fs.writeFileSync(lockPath, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`${lockPath}: ${added} entries added`);
