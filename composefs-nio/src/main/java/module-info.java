/**
 * The {@code cfs:} java.nio file system provider: composefs images as read-only, verified file systems.
 */
module dev.composefs.nio {
    requires transitive dev.composefs.format;
    requires org.slf4j;

}
