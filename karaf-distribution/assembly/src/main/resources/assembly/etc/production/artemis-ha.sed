# SafeHarbor Bridge: makes an Artemis instance's etc/broker.xml (made from artemis-broker.xml) one broker of a
# replicated primary/backup pair, with artemis-ha.xml and artemis-ha-@HA_ROLE@.xml (filled in like this file) next to
# it in etc/, and the pair's cluster password in tls/ha-cluster.password (the same on both hosts; read at each start,
# never written in broker.xml). Once per instance, after filling in the @...@ values as for artemis-broker.xml:
#   sed -e "s#@HA_ROLE@#primary#" -e ... artemis-ha.sed | sed -i -f - "$BROKER_INSTANCE/etc/broker.xml"
# Artemis reads the included files at each start: a changed artemis-ha*.xml needs a restart, not this script again.
#
# The replication link speaks Artemis' CORE protocol, which the AMQPS acceptor refuses by design: its own acceptor,
# on the network between the two hosts (@HA_BIND@), carrying referrals (health data), so TLS with the broker's key.
#
# @HA_NETWORK_CHECK@: an address both brokers can reach unless their own network is down (e.g. the default gateway;
# comma-separated, any one answering will do; a loopback address is ignored, AMQ202001). A broker that cannot ping it
# stops, and a backup that cannot does not take over: this guards against a host cut off from the network, not
# against a broken link between two healthy hosts (artemis-ha-primary.xml, split brain).
/^[[:space:]]*<\/acceptors>/i\
      <acceptor name="ha">tcp://@HA_BIND@:@HA_PORT@?protocols=CORE;sslEnabled=true;keyStorePath=@KEYSTORE@;keyStorePassword=@KEYSTORE_PASSWORD@;keyStoreType=PKCS12;enabledProtocols=TLSv1.3,TLSv1.2;useEpoll=true;tcpSendBufferSize=1048576;tcpReceiveBufferSize=1048576</acceptor>
/^[[:space:]]*<\/core>/i\
    <xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="${artemis.instance.etc}/artemis-ha.xml" xpointer="element(/1/1)"/>\
    <xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="${artemis.instance.etc}/artemis-ha.xml" xpointer="element(/1/2)"/>\
    <xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="${artemis.instance.etc}/artemis-ha-@HA_ROLE@.xml"/>\
    <cluster-user>safeharbor-ha</cluster-user>\
    <cluster-password><xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="${artemis.instance}/tls/ha-cluster.password" parse="text"/></cluster-password>\
    <network-check-list>@HA_NETWORK_CHECK@</network-check-list>\
    <network-check-period>5000</network-check-period>\
    <network-check-timeout>1000</network-check-timeout>
