#include "rosterflag.h"
int main(void)
{
    return 0;
}
