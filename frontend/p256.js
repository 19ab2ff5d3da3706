// The one third-party piece the gate needs where WebCrypto is missing (a plain-HTTP page is not a
// secure context, so `crypto.subtle` is undefined there): ECDSA P-256 verification from
// @noble/curves, bundled by esbuild into one classic script (`make deps`) that sets
// `window.cordonP256` (and SHA-256 for the flags list). Cheap phones' browsers need no module or import-map support to run it.
import { p256 } from "@noble/curves/nist.js";
import { sha256 } from "@noble/hashes/sha2.js";

window.cordonP256 = {
  // signature: 64 bytes r‖s (IEEE P1363, as the server signs); message: the signed bytes;
  // publicKey: 65 bytes 04‖x‖y. The server's signatures are not normalised to low S.
  verify(signature, message, publicKey) {
    try {
      return p256.verify(signature, message, publicKey, { lowS: false, prehash: true });
    } catch (error) {
      return false;
    }
  },
  // The gate's offline flags list keys each ID number by a salted SHA-256; `crypto.subtle.digest` is
  // missing on a plain-HTTP page too. Returns the digest as lowercase hex.
  sha256hex(text) {
    return Array.from(sha256(new TextEncoder().encode(text)), (b) => b.toString(16).padStart(2, "0")).join("");
  },
};
