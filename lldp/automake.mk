# lldp
