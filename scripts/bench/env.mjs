// The environment every measured system starts with: as in a container, nothing that changes how Node
// (or a C init) starts. This machine sets NODE_EXTRA_CA_CERTS, which alone adds ~50 ms to every Node start.
const STARTUP_CHANGING = /^(NODE_|HOOKVISOR_|UV_|OPENSSL_|SSL_CERT_|LD_|MALLOC_|GLIBC_TUNABLES$|V8_)/;

/** process.env without the start-up-changing variables, and the names taken out (to be printed). */
export function benchEnv(from = process.env) {
  const env = {};
  const removed = [];
  for (const [k, v] of Object.entries(from)) STARTUP_CHANGING.test(k) ? removed.push(k) : (env[k] = v);
  return { env, removed: removed.sort() };
}
