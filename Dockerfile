# The service's image: built from source in a first stage, run as a non-root user from a JRE in the second.
# Run it with a read-only root filesystem; only the data volume and /tmp are written:
#   docker build -t patientdocs .
#   docker run --read-only --tmpfs /tmp -v patientdocs-data:/data -p 8080:8080 -p 9090:9090 patientdocs
# (docker-compose.yml does the same, with PostgreSQL.)

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml ./
COPY config config
COPY edm edm
COPY src src
# the class data sharing archive is made below, by the JVM that runs the service
RUN mvn -B -q package -DskipTests -DskipClassData=true

FROM eclipse-temurin:17-jre
# curl for the health check; nothing else is added to the JRE's image
RUN apt-get update \
    && apt-get install -y --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 patientdocs \
    && useradd --system --uid 10001 --gid patientdocs --home-dir /data --no-create-home patientdocs \
    && mkdir /data && chown patientdocs:patientdocs /data
COPY --from=build /src/target/documents-odata.jar /opt/patientdocs/documents-odata.jar
# Class data sharing: a training run writes the classes a start and a first answer load (see the README's Quick start)
RUN java -XX:ArchiveClassesAtExit=/opt/patientdocs/documents-odata.jsa -Xlog:cds=off -Xlog:cds+dynamic=off \
        -jar /opt/patientdocs/documents-odata.jar class-data
# Settings are environment variables named after the keys of config/application.properties (see the README).
ENV DATA_DIR=/data \
    HTTP_HOST=0.0.0.0 \
    HTTP_PORT=8080 \
    MANAGEMENT_PORT=9090 \
    LOG_FORMAT=json
VOLUME ["/data"]
EXPOSE 8080 9090
USER 10001:10001
WORKDIR /data
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
    CMD ["curl", "--fail", "--silent", "--output", "/dev/null", "http://127.0.0.1:9090/health/ready"]
# The JVM's shutdown hook drains the service on SIGTERM (shutdown.delay-seconds, shutdown.grace-seconds):
# give the container a stop timeout longer than both, e.g. docker stop --time 45.
STOPSIGNAL SIGTERM
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-XX:SharedArchiveFile=/opt/patientdocs/documents-odata.jsa", \
    "-jar", "/opt/patientdocs/documents-odata.jar"]
