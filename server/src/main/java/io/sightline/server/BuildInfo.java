package io.sightline.server;

/** Version and build facts, from the jar manifest when packaged. */
public final class BuildInfo {
    private BuildInfo() {
    }

    public static String version() {
        String v = BuildInfo.class.getPackage().getImplementationVersion();
        return v == null ? "0.1.0-dev" : v;
    }

    /** The git revision the jar was built from, when the build recorded it. */
    public static String revision() {
        String r = BuildInfo.class.getPackage().getSpecificationVersion();
        return r == null ? "unknown" : r;
    }
}
