/**
 * Certificates for the loopback world, made at start with the `openssl` CLI (no npm dependency): a test root the
 * agent is told to trust, and leaves for every TLS scenario, including interception roots it does not trust, minted
 * with the exact issuer names real antivirus products use (interception-samples.ts).
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { sampleOf, type InterceptionSample } from "./interception-samples.js";

const run = promisify(execFile);

/** One server identity: PEM key and PEM chain (leaf first). */
export interface ServerCert {
  key: string;
  cert: string;
}

export interface WorldCerts {
  /** PEM of the trusted test root: what `tls.extraCaFile` points at. */
  caFile: string;
  /** Leaf for `*.tarkov.test` from the trusted root. */
  valid: ServerCert;
  /** Leaf for a different name (captive portal / proxy) from the trusted root. */
  wrongHost: ServerCert;
  /** Leaf for `*.tarkov.test` from the trusted root, already expired. */
  expired: ServerCert;
  /** Leaf for `*.tarkov.test` from Avast's real interception root name, which the agent does not trust. */
  untrusted: ServerCert;
  /** PEM of that interception root (what a "system store" that trusts it would hold). */
  untrustedCaPem: string;
}

/** The default interceptor: Avast Web/Mail Shield, exactly as a real Avast install names its root. */
export const DEFAULT_INTERCEPTOR = sampleOf("avast");
/** Issuer/subject strings the probes are expected to report (as `CN=…, O=…`). */
export const INTERCEPTION_ISSUER = DEFAULT_INTERCEPTOR.dn;
export const TEST_ROOT_SUBJECT = "CN=Tarkov Test Root CA, O=tarkov-connection-agent tests";

const openssl = async (dir: string, args: string[]): Promise<void> => {
  await run("openssl", args, { cwd: dir, timeout: 20_000 });
};

/** An openssl `-subj` value; `/` inside a value (as in "Web/Mail Shield") is escaped. */
export const subjOf = (attributes: InterceptionSample["attributes"]): string => attributes.map(([k, v]) => `/${k}=${v.replace(/[\\/]/g, (c) => `\\${c}`)}`).join("");

async function makeCa(dir: string, name: string, subject: string): Promise<void> {
  await openssl(dir, [
    "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
    "-keyout", `${name}.key`, "-out", `${name}.pem`, "-days", "30", "-subj", subject,
    "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
  ]);
}

async function makeLeaf(dir: string, name: string, ca: string, cn: string, sans: string[], days: number): Promise<ServerCert> {
  await openssl(dir, ["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", `${name}.key`, "-out", `${name}.csr`, "-subj", `/CN=${cn}`]);
  await writeFile(join(dir, `${name}.ext`), `subjectAltName=${sans.join(",")}\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n`);
  // `-days -1` gives notAfter one day *before* notBefore (now): an expired certificate without faking the clock.
  await openssl(dir, ["x509", "-req", "-in", `${name}.csr`, "-CA", `${ca}.pem`, "-CAkey", `${ca}.key`, "-set_serial", `0x${randomBytes(8).toString("hex")}`, "-days", String(days), "-extfile", `${name}.ext`, "-out", `${name}.pem`]);
  const [key, leaf, root] = await Promise.all([readFile(join(dir, `${name}.key`), "utf8"), readFile(join(dir, `${name}.pem`), "utf8"), readFile(join(dir, `${ca}.pem`), "utf8")]);
  return { key, cert: leaf + root };
}

/** Creates every certificate in `dir` (a fresh temp folder). */
export async function makeCerts(dir: string): Promise<WorldCerts> {
  await Promise.all([
    makeCa(dir, "ca", "/CN=Tarkov Test Root CA/O=tarkov-connection-agent tests"),
    makeCa(dir, "av", subjOf(DEFAULT_INTERCEPTOR.attributes)),
  ]);
  const sans = ["DNS:*.tarkov.test", "DNS:tarkov.test"];
  const [valid, wrongHost, expired, untrusted] = await Promise.all([
    makeLeaf(dir, "valid", "ca", "*.tarkov.test", sans, 30),
    makeLeaf(dir, "wrong", "ca", "portal.captive.example", ["DNS:portal.captive.example"], 30),
    makeLeaf(dir, "expired", "ca", "*.tarkov.test", sans, -1),
    makeLeaf(dir, "intercept", "av", "*.tarkov.test", sans, 30),
  ]);
  return { caFile: join(dir, "ca.pem"), valid, wrongHost, expired, untrusted, untrustedCaPem: await readFile(join(dir, "av.pem"), "utf8") };
}

/** An interception root with a product's real name and its leaf for the world's names; `name` must be unique. */
export async function makeInterceptor(dir: string, name: string, sample: InterceptionSample): Promise<{ cert: ServerCert; caPem: string }> {
  await makeCa(dir, name, subjOf(sample.attributes));
  const cert = await makeLeaf(dir, `${name}-leaf`, name, "*.tarkov.test", ["DNS:*.tarkov.test", "DNS:tarkov.test"], 30);
  return { cert, caPem: await readFile(join(dir, `${name}.pem`), "utf8") };
}
