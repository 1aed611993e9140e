package io.sightline.storage.io;

/** What off-heap or mapped memory is for; every allocation carries one, and bytes are counted per tag. */
public enum MemoryTag {
    WAL, CHUNK, INDEX, POSTINGS, QUERY
}
