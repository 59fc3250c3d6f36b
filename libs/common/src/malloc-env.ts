/**
 * glibc malloc settings for the api and worker processes, applied wherever we start them (the launcher, the
 * Docker image, the test and bench harness); an environment that sets them already wins.
 *
 * Why: while a layer streams in, Node allocates and frees a 64 KiB buffer per socket read and per parsed body
 * chunk. With glibc's default trim threshold (128 KiB, adjusted upwards only by freed mmap chunks) the freed
 * memory went back to the kernel after each garbage collection and was faulted in again moments later:
 * ~30 000 minor page faults per GiB pushed (each a zeroed page, and on a VM a host-side fault too). Keeping up
 * to 32 MiB of free heap makes that 0, with the same peak RSS (measured: 173-182 MiB during 1 GiB pushes,
 * against 176-179 before); two arenas instead of one per thread keep the libuv threadpool from growing its own.
 */
export const MALLOC_ENV: Readonly<Record<string, string>> = {
  MALLOC_TRIM_THRESHOLD_: String(32 * 1024 * 1024),
  MALLOC_ARENA_MAX: '2',
};

/** `env` with MALLOC_ENV filled in where it is silent. */
export function withMallocEnv<T extends Record<string, string | undefined>>(env: T): T {
  return { ...MALLOC_ENV, ...env };
}
