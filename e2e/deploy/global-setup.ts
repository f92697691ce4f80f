// Starts compose.yaml's project (images built by scripts/deploy-test.sh) and removes it afterwards.
import { down, up } from "./compose";

export default async function globalSetup(): Promise<() => Promise<void>> {
  const started = Date.now();
  process.on("exit", down);
  try {
    const deployment = await up();
    console.log(`[deploy] ${deployment.origin} in front of ${Object.values(deployment.upstreams).join(", ")}; ` +
      `ready in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  } catch (error) {
    down();
    throw error;
  }
  return async () => {
    process.off("exit", down);
    down();
  };
}
