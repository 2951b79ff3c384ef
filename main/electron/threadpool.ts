// Side-effect module, imported FIRST by main.ts (before the socket guard and anything else): the desktop app gets
// the libuv thread pool the `huella` CLI gets from its launcher (bin/huella.js: UV_THREADPOOL_SIZE=32, so an
// import's group of fdatasyncs runs at once rather than 4 at a time). libuv reads the variable once, when its pool
// starts, i.e. at the first asynchronous fs, crypto or zlib call of the process; nothing runs such a call before
// the app's main script (Electron and Node load it with synchronous reads), so setting it here, before any module
// that could, is in time. The pool is process-wide: the main thread and every worker thread share it.
// A value set in the environment (a user's or a test's) is kept. test/unit/main/electron/bundle.test.ts checks in
// the built main.cjs that the pool starts with 32 threads.
export const APP_THREADPOOL_SIZE = '32';

process.env.UV_THREADPOOL_SIZE ??= APP_THREADPOOL_SIZE;
