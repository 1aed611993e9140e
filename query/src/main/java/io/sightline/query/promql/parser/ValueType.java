package io.sightline.query.promql.parser;

/** PromQL value types, named as Prometheus names them in messages. */
public enum ValueType {
    SCALAR("scalar"), VECTOR("instant vector"), MATRIX("range vector"), STRING("string");

    private final String text;

    ValueType(String text) {
        this.text = text;
    }

    @Override
    public String toString() {
        return text;
    }
}
