public enum GlidepathServerModule {}
