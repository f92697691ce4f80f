import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

import { describe, expect, it } from "vitest";

import { apiUrlFromEnv } from "@/lib/server/api-url";

describe("the backend address", () => {
  it("is read from the environment at each call, not fixed once", () => {
    const env: Record<string, string | undefined> = {};
    expect(apiUrlFromEnv(env)).toBe("http://localhost:8000");
    env.NEXT_PUBLIC_API_URL = "https://api.example.com/";
    expect(apiUrlFromEnv(env)).toBe("https://api.example.com");
    env.NEXT_PUBLIC_API_URL = "http://127.0.0.1:9001";
    expect(apiUrlFromEnv(env)).toBe("http://127.0.0.1:9001");
    env.NEXT_PUBLIC_API_URL = "  ";
    expect(apiUrlFromEnv(env)).toBe("http://localhost:8000");
  });

  it("refuses what is not an http(s) URL, naming the variable", () => {
    expect(() => apiUrlFromEnv({ NEXT_PUBLIC_API_URL: "localhost:8000" })).toThrow(/NEXT_PUBLIC_API_URL must be an http\(s\) URL/);
    expect(() => apiUrlFromEnv({ NEXT_PUBLIC_API_URL: "api.example.com" })).toThrow(/NEXT_PUBLIC_API_URL/);
  });

  it("is never written as process.env.NEXT_PUBLIC_…, which Next would freeze into the build", () => {
    const root = path.resolve(import.meta.dirname, "..");
    const sources = (dir: string): string[] =>
      readdirSync(dir).flatMap((name) => {
        const full = path.join(dir, name);
        if (statSync(full).isDirectory()) return sources(full);
        return /\.tsx?$/.test(name) ? [full] : [];
      });
    const files = [...["app", "components", "lib"].flatMap((d) => sources(path.join(root, d))), path.join(root, "proxy.ts")];
    const code = (file: string) => readFileSync(file, "utf8").replace(/\/\/.*$/gm, ""); // comments may name it
    const inlined = files.filter((file) => /process\.env(\.|\[\s*["'`])NEXT_PUBLIC_/.test(code(file)));
    expect(inlined.map((file) => path.relative(root, file))).toEqual([]);
  });
});
