# syntax=docker/dockerfile:1
# The image of the FlinkDeployment: flink:2.2 with the job's shaded jar (job/target/
# kubeskippy-job.jar: the job, model, the Kafka connector, flink-cep, Jackson; Flink itself is the
# image's) at the FlinkDeployment's jarURI. Build from the repository root:
#
#   docker build -f flink-deployment/docker/job.Dockerfile -t kubeskippy/job:0.1.0-SNAPSHOT .

FROM maven:3-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/root/.m2 \
    mvn -B -ntp -Dmaven.test.skip=true -Dspotless.check.skip=true package -pl job -am

FROM flink:2.2
# s3:// checkpoints, savepoints and HA storage: Flink's S3 file system, enabled as a plugin.
# The Prometheus reporter ships as a plugin already; fail the build if either is missing.
RUN mkdir -p /opt/flink/plugins/s3-fs-presto \
 && cp /opt/flink/opt/flink-s3-fs-presto-*.jar /opt/flink/plugins/s3-fs-presto/ \
 && chown -R flink:flink /opt/flink/plugins/s3-fs-presto \
 && ls /opt/flink/plugins/metrics-prometheus/flink-metrics-prometheus-*.jar
COPY --from=build --chown=flink:flink /src/job/target/kubeskippy-job.jar /opt/flink/usrlib/kubeskippy-job.jar
