package io.sightline.query.promql.parser;

import java.util.List;

/**
 * A function's name and argument types, for type checking in the parser.
 *
 * @param variadic 0: exactly {@code argTypes}; n > 0: up to n more of the last type; -1: any number more
 */
public record FunctionSignature(String name, List<ValueType> argTypes, int variadic, ValueType returnType) {
}
