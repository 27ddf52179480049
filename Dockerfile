# Lexstream image: built with Maven, run on a JRE. Models (the builtin MiniLM jars) and native
# libraries (ONNX Runtime) come from Maven artifacts at build time and sit in /app/lib, so the
# container never downloads anything at run time (ai.djl.offline=true).
#
#   docker build -t lexstream:latest .                              # CPU
#   docker build --build-arg VARIANT=cuda -t lexstream:cuda .       # NVIDIA GPU (CUDA 12, cuDNN 9)
#
# The CUDA variant builds with the Maven profile 'cuda' (ONNX Runtime's GPU build) and runs on an
# NVIDIA CUDA runtime image; the host needs the NVIDIA container toolkit (docker run --gpus all).
ARG VARIANT=cpu

FROM maven:3.9-eclipse-temurin-17 AS build
ARG VARIANT
WORKDIR /src
COPY pom.xml .
RUN mvn -q -B -P${VARIANT} dependency:go-offline
COPY schemas schemas
COPY src src
RUN mvn -q -B -P${VARIANT} -DskipTests package \
 && mkdir -p /out/lib && cp -r target/classes /out/classes \
 && tr ':' '\n' < target/classpath.txt | xargs -I{} cp {} /out/lib/

# curl for the health check; Apertium (GPL, run as an external process) for translate: {backend: apertium}
FROM eclipse-temurin:17-jre-noble AS runtime-cpu
RUN apt-get update && apt-get install -y --no-install-recommends curl apertium apertium-eng-spa apertium-eng-cat \
 && rm -rf /var/lib/apt/lists/*

FROM nvidia/cuda:12.6.3-cudnn-runtime-ubuntu24.04 AS runtime-cuda
RUN apt-get update && apt-get install -y --no-install-recommends openjdk-17-jre-headless curl \
    apertium apertium-eng-spa apertium-eng-cat && rm -rf /var/lib/apt/lists/*
ENV NVIDIA_VISIBLE_DEVICES=all NVIDIA_DRIVER_CAPABILITIES=compute,utility

FROM runtime-${VARIANT}
WORKDIR /app
RUN useradd --uid 10001 --user-group --home-dir /var/lib/lexstream --no-create-home lexstream \
 && mkdir -p /var/lib/lexstream && chown lexstream:lexstream /var/lib/lexstream
COPY --from=build /out/classes /app/classes
COPY --from=build /out/lib /app/lib
COPY config /app/config
# state (RocksDB, extracted models, DJL's cache) under one volume; the ops server on 8080
ENV LEXSTREAM_WORK=/var/lib/lexstream \
    DJL_CACHE_DIR=/var/lib/lexstream/djl \
    ENGINE_CACHE_DIR=/var/lib/lexstream/djl \
    LEXSTREAM_OPS_PORT=8080 \
    LEXSTREAM_JAVA_OPTS="-XX:MaxRAMPercentage=60 -XX:+ExitOnOutOfMemoryError"
VOLUME /var/lib/lexstream
EXPOSE 8080
USER 10001
HEALTHCHECK --interval=10s --timeout=3s --start-period=120s --retries=3 \
  CMD curl -fsS "http://127.0.0.1:${LEXSTREAM_OPS_PORT}/health/live" >/dev/null || exit 1
ENTRYPOINT ["sh", "-c", "exec java $LEXSTREAM_JAVA_OPTS -Dai.djl.offline=true -Dorg.apache.avro.SERIALIZABLE_PACKAGES=dev.lexstream -Dlexstream.work=$LEXSTREAM_WORK -Dlexstream.home=/app -cp '/app/classes:/app/lib/*' dev.lexstream.cli.Main \"$@\"", "lexstream"]
CMD ["run", "--config", "/app/config/demo.yaml"]
