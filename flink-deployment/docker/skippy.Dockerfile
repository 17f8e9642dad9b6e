# syntax=docker/dockerfile:1
# The image of ingest and the actuator: the skippy CLI (cli/target/kubeskippy-cli.jar and its
# lib/), run as `skippy ingest ...` or `skippy actuator ...`. Build from the repository root:
#
#   docker build -f flink-deployment/docker/skippy.Dockerfile -t kubeskippy/skippy:0.1.0-SNAPSHOT .
#
# JVM options: SKIPPY_JAVA_OPTS; log levels: SKIPPY_LOG_LEVEL, SKIPPY_LIB_LOG_LEVEL (as ./skippy).

FROM maven:3-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
# The same build ./skippy runs; Maven's downloads are cached between builds.
RUN --mount=type=cache,target=/root/.m2 \
    mvn -B -ntp -Dmaven.test.skip=true -Dspotless.check.skip=true package -pl cli -am

FROM eclipse-temurin:17-jre
RUN groupadd --system --gid 10001 skippy \
 && useradd --system --uid 10001 --gid skippy --no-create-home --home-dir /nonexistent \
        --shell /usr/sbin/nologin skippy
COPY --from=build /src/cli/target/lib/ /opt/kubeskippy/lib/
COPY --from=build /src/cli/target/kubeskippy-cli.jar /opt/kubeskippy/kubeskippy-cli.jar
USER 10001:10001
# ingest: remote_write and /metrics; actuator: /metrics
EXPOSE 9201 9301 9302
ENTRYPOINT ["/bin/sh", "-c", "exec java $SKIPPY_JAVA_OPTS -cp '/opt/kubeskippy/kubeskippy-cli.jar:/opt/kubeskippy/lib/*' io.kubeskippy.cli.Skippy \"$@\"", "skippy"]
CMD ["--help"]
