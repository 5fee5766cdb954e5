/**
 * The analyzer's own unknown handling from `@pulumi/policy`: the proxy it wraps every resource's
 * properties in, and the error that proxy throws when a policy reads a value unknown during
 * preview. The package exports both at run time (`index.js`) but strips them from its typings
 * (`@internal`), so they are re-exported here with their types.
 */
interface UnknownValueErrorClass {
  new (
    unknownTypeSentinel: string,
    props: (string | number | symbol)[],
  ): Error & { props: (string | number | symbol)[] };
}

const internals = require("@pulumi/policy") as {
  unknownCheckingProxy<T extends object>(toProxy: T): T;
  UnknownValueError: UnknownValueErrorClass;
};

/** Wraps properties so that reading an unknown value throws `UnknownValueError`, as in the analyzer. */
export const unknownCheckingProxy: <T extends object>(toProxy: T) => T = internals.unknownCheckingProxy;
export const UnknownValueError: UnknownValueErrorClass = internals.UnknownValueError;
