// cbor-x loads cbor-extract inside try/catch and falls back to JavaScript when it throws. See README.md.
throw new Error('cbor-extract is disabled in Huella: CBOR is decoded in pure JavaScript');
