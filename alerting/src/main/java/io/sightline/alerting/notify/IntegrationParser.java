package io.sightline.alerting.notify;

/** Builds one integration from its config mapping; each sub-package offers one. */
@FunctionalInterface
public interface IntegrationParser {
    /** @throws IllegalArgumentException naming {@code reader.where()} and the key at fault */
    Integration parse(ConfigReader reader, int index, Globals globals);
}
