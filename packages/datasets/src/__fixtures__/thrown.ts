/** The error `f` throws (a test fails if it throws none), for assertions on its message and fields. */
export function thrown(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a throw');
}
