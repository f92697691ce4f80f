// Test device: prints the issuer's newest private signing key as a JWK, so the suite can sign
// claims the real issuer never would (iat ahead, wrong aud, missing sub...) with the real key.
// Run with cwd frontend/ (module resolution) as `node --input-type=module -e "$(cat this)"`.
// Env: AUTH_DB (SQLite file of the issuer), BETTER_AUTH_SECRET (decrypts the stored key).
import Database from "better-sqlite3";
import { symmetricDecrypt } from "better-auth/crypto";

const db = new Database(process.env.AUTH_DB, { readonly: true, fileMustExist: true });
const row = db.prepare('SELECT id, privateKey FROM jwks ORDER BY createdAt DESC LIMIT 1').get();
db.close();
if (!row) {
  console.error("no signing key in the issuer's database yet (sign a token first)");
  process.exit(1);
}
const jwk = JSON.parse(
  await symmetricDecrypt({ key: process.env.BETTER_AUTH_SECRET, data: JSON.parse(row.privateKey) }),
);
process.stdout.write(`${JSON.stringify({ kid: row.id, jwk })}\n`);
