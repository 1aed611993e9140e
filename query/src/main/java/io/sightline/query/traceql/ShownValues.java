package io.sightline.query.traceql;

import io.sightline.query.traceql.Ast.*;
import io.sightline.storage.model.Attributes;
import io.sightline.storage.model.Span;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The values a matched span shows in search results, as Tempo shows them: {@code service.name}, every attribute
 * and span-level intrinsic the query refers to, and what {@code select(...)} asks for. Immutable.
 */
final class ShownValues {
    private final List<Operand> operands;

    ShownValues(Query query) {
        Set<Operand> set = new LinkedHashSet<>();
        for (Filter f : query.filters()) {
            operands(f.expr(), set);
        }
        for (Stage s : query.stages()) {
            switch (s) {
                case FilterStage f -> operands(f.expr(), set);
                case SelectStage sel -> set.addAll(sel.operands());
                case AggregateStage a -> {
                    if (a.operand() != null) {
                        set.add(a.operand());
                    }
                }
                case MetricsStage m -> {
                }
                case ByStage b -> set.add(b.operand());
                case CoalesceStage c -> {
                }
            }
        }
        operands = List.copyOf(set);
    }

    Attributes of(Span s) {
        Attributes.Builder b = Attributes.builder();
        String service = s.service();
        if (!service.isEmpty()) {
            b.putString(Span.SERVICE_NAME, service);
        }
        for (Operand o : operands) {
            switch (o) {
                case Attribute a -> copy(a, s, b);
                case IntrinsicRef i -> {
                    switch (i.intrinsic()) {
                        case STATUS -> b.putString("status", Enums.statusName(s.statusCode()));
                        case KIND -> b.putString("kind", Enums.kindName(s.kind()));
                        case STATUS_MESSAGE -> b.putString("statusMessage", s.statusMessage());
                        default -> {
                        } // name and duration are fields of the span already; trace-level ones of the trace
                    }
                }
                case Literal l -> {
                }
            }
        }
        return b.build();
    }


    private static void operands(Expr e, Set<Operand> into) {
        switch (e) {
            case null -> {
            }
            case Logical g -> {
                operands(g.left(), into);
                operands(g.right(), into);
            }
            case Not n -> operands(n.expr(), into);
            case Compare c -> {
                into.add(c.left());
                into.add(c.right());
            }
            case Operand o -> into.add(o);
        }
    }

    private static void copy(Attribute a, Span s, Attributes.Builder b) {
        Attributes from = a.scope().equals("resource") ? s.resource() : s.attributes();
        int i = from.indexOf(a.name());
        if (i < 0 && a.scope().isEmpty()) {
            from = s.resource();
            i = from.indexOf(a.name());
        }
        if (i < 0) {
            return;
        }
        switch (from.type(i)) {
            case INT -> b.putLong(a.name(), from.longValue(i));
            case DOUBLE -> b.putDouble(a.name(), from.doubleValue(i));
            case BOOL -> b.putBool(a.name(), from.boolValue(i));
            default -> b.putText(a.name(), from.type(i), from.text(i));
        }
    }
}
