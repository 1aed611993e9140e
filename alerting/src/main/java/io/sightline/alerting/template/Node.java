package io.sightline.alerting.template;

import java.util.List;

/**
 * The parsed form of a template: text, actions, the control structures {@code if}, {@code range}, {@code with},
 * and {@code template} calls of named ({@code define}d) templates.
 */
sealed interface Node {
    record Text(String text) implements Node {
    }

    record Action(Pipeline pipeline) implements Node {
    }

    /** {@code if}, {@code range} and {@code with}; {@code elseBody} may be empty. */
    record Control(String keyword, Pipeline pipeline, List<Node> body, List<Node> elseBody) implements Node {
    }

    /** {@code {{ template "name" pipeline }}}; {@code pipeline} is null when no data is passed. */
    record Include(String name, Pipeline pipeline) implements Node {
    }

    /**
     * Commands joined by {@code |}; the value of each is passed as last argument to the next.
     *
     * @param keyVariable the first of two range variables ({@code range $k, $v := ...}), else null
     */
    record Pipeline(List<Command> commands, String declaredVariable, String keyVariable) {
    }

    record Command(List<Operand> operands) {
    }

    sealed interface Operand {
    }

    record Literal(Object value) implements Operand {
    }

    /** {@code .} or {@code .A.B}. */
    record Field(List<String> path) implements Operand {
    }

    /** {@code $x} or {@code $x.a.b}. */
    record Variable(String name, List<String> path) implements Operand {
    }

    record Function(String name) implements Operand {
    }

    record Nested(Pipeline pipeline) implements Operand {
    }

    /** {@code (pipeline).Field.Method}: fields or methods of a parenthesised value. */
    record Chain(Nested base, List<String> path) implements Operand {
    }
}
