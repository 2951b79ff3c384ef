// Vaults made by tests use the test-only Argon2id cost (the production cost takes ~1 s and 256 MiB per unlock).
// The refusal of such vaults without this variable is itself tested in test/unit/main/archive/vault/kdf.test.ts.
process.env.HUELLA_TEST_WEAK_KDF = '1';
