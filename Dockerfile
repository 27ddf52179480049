# Lexstream image: built with Maven, run on a JRE; models and native libraries come from Maven
# artifacts at build time, so the container never downloads anything at run time.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -q -B dependency:go-offline
COPY schemas schemas
COPY src src
RUN mvn -q -B -DskipTests package \
 && mkdir -p /out/lib && cp -r target/classes /out/classes \
 && tr ':' '\n' < target/classpath.txt | xargs -I{} cp {} /out/lib/

FROM eclipse-temurin:17-jre
WORKDIR /app
COPY --from=build /out/classes /app/classes
COPY --from=build /out/lib /app/lib
COPY config /app/config
ENV LEXSTREAM_WORK=/var/lib/lexstream
RUN mkdir -p /var/lib/lexstream
ENTRYPOINT ["sh", "-c", "exec java $LEXSTREAM_JAVA_OPTS -Dai.djl.offline=true -Dorg.apache.avro.SERIALIZABLE_PACKAGES=dev.lexstream -Dlexstream.work=$LEXSTREAM_WORK -Dlexstream.home=/app -cp '/app/classes:/app/lib/*' dev.lexstream.cli.Main \"$@\"", "lexstream"]
CMD ["run", "--config", "/app/config/demo.yaml"]
